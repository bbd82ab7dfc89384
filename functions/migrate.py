"""Lambda function behind the DatabaseMigration custom resource: runs api_core.migrate."""

from api_core.init_phase import init_phase

with init_phase():
    from api_core.custom_resource import custom_resource_handler
    from api_core.migrate import migrate_from_environment
    from api_core.settings import get_settings

    handler = custom_resource_handler(migrate_from_environment, get_settings().log_level)
