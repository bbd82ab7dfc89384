"""What deploying template.yaml creates for bulk import, from SAM's translator:
the private bucket, the queues and their dead letters, the event source mapping,
the functions' least privileges and the alarm (see transform_template.py)."""

from __future__ import annotations

from typing import Any

import pytest

from api_core.resources import ALL_RESOURCES
from tests.deploy.conftest import SITE_URL, Deploys

pytestmark = pytest.mark.deploy

BUCKET_NAME = {
    "Fn::Sub": [
        "student-imports-${StackUuid}",
        {"StackUuid": {"Fn::Select": [2, {"Fn::Split": ["/", {"Ref": "AWS::StackId"}]}]}},
    ]
}
LOCALHOSTS = ["http://localhost:8000", "http://localhost:8888"]
DEFAULT_QUEUE_RETENTION_S = 4 * 24 * 3600


def resources(cloudformation: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {
        logical_id: resource["Properties"]
        for logical_id, resource in cloudformation["Resources"].items()
        if resource["Type"] == kind
    }


def inline_statements(cloudformation: dict[str, Any], role: str) -> list[dict[str, Any]]:
    properties = cloudformation["Resources"][role]["Properties"]
    return [
        statement
        for policy in properties.get("Policies", [])
        for statement in policy["PolicyDocument"]["Statement"]
    ]


def test_import_bucket_is_private_encrypted_https_only_and_emptied_daily(
    deploy: Deploys,
) -> None:
    cloudformation = deploy()
    bucket = cloudformation["Resources"]["ImportBucket"]["Properties"]

    assert bucket["BucketName"] == BUCKET_NAME
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert bucket["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    (encryption,) = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert encryption["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in ("AES256", "aws:kms")
    (rule,) = bucket["LifecycleConfiguration"]["Rules"]
    assert rule["Status"] == "Enabled" and rule["ExpirationInDays"] == 1
    assert "Prefix" not in rule and "Filter" not in rule  # every object
    (policy,) = resources(cloudformation, "AWS::S3::BucketPolicy").values()
    assert policy["Bucket"] == {"Ref": "ImportBucket"}
    (deny,) = policy["PolicyDocument"]["Statement"]
    assert deny["Effect"] == "Deny" and deny["Action"] == "s3:*"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


@pytest.mark.parametrize(
    ("parameters", "origins"),
    [
        ({}, [SITE_URL]),
        ({"LocalSignIn": "true"}, [SITE_URL, *LOCALHOSTS]),
        ({"SiteUrl": "", "LocalSignIn": "true"}, LOCALHOSTS),
        ({"SiteUrl": "", "AllowOpenApi": "true"}, None),
    ],
)
def test_import_bucket_takes_puts_only_from_the_site(
    deploy: Deploys, parameters: dict[str, str], origins: list[str] | None
) -> None:
    bucket = deploy(**parameters)["Resources"]["ImportBucket"]["Properties"]

    if origins is None:
        assert "CorsConfiguration" not in bucket
        return
    (rule,) = bucket["CorsConfiguration"]["CorsRules"]
    allowed = [{"Ref": "SiteUrl"} if origin == SITE_URL else origin for origin in origins]
    assert rule["AllowedOrigins"] == allowed
    assert rule["AllowedMethods"] == ["PUT"]
    assert rule["AllowedHeaders"] == ["content-type", "if-none-match"]


def test_upload_events_reach_the_file_function_whose_failures_end_in_a_dead_letter_queue(
    deploy: Deploys,
) -> None:
    cloudformation = deploy()
    notifications = cloudformation["Resources"]["ImportBucket"]["Properties"][
        "NotificationConfiguration"
    ]

    assert notifications == {
        "LambdaConfigurations": [
            {
                "Event": "s3:ObjectCreated:*",
                "Function": {"Fn::GetAtt": ["ImportFileFunction", "Arn"]},
                "Filter": {
                    "S3Key": {
                        "Rules": [
                            {"Name": "prefix", "Value": "imports/"},
                            {"Name": "suffix", "Value": ".csv"},
                        ]
                    }
                },
            }
        ]
    }
    (invoke_config,) = resources(cloudformation, "AWS::Lambda::EventInvokeConfig").values()
    assert invoke_config["FunctionName"] == {"Ref": "ImportFileFunction"}
    assert invoke_config["MaximumRetryAttempts"] <= 2
    assert 60 <= invoke_config["MaximumEventAgeInSeconds"] <= 6 * 3600
    assert invoke_config["DestinationConfig"]["OnFailure"]["Destination"] == {
        "Fn::GetAtt": ["ImportFileDeadLetters", "Arn"]
    }


def test_batch_queue_reports_item_failures_and_redrives_to_its_dead_letter_queue(
    template: dict[str, Any], deploy: Deploys
) -> None:
    cloudformation = deploy()
    (mapping,) = resources(cloudformation, "AWS::Lambda::EventSourceMapping").values()
    queue = cloudformation["Resources"]["ImportBatchQueue"]["Properties"]
    function_timeout = template["Resources"]["ImportBatchFunction"]["Properties"]["Timeout"]

    assert mapping["FunctionName"] == {"Ref": "ImportBatchFunction"}
    assert mapping["EventSourceArn"] == {"Fn::GetAtt": ["ImportBatchQueue", "Arn"]}
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert 1 <= mapping["BatchSize"] <= 10
    assert mapping["ScalingConfig"] == {"MaximumConcurrency": {"Ref": "ImportBatchConcurrency"}}
    assert queue["VisibilityTimeout"] >= 6 * function_timeout
    assert queue["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": ["ImportBatchDeadLetters", "Arn"]},
        "maxReceiveCount": 5,
    }
    retention = queue.get("MessageRetentionPeriod", DEFAULT_QUEUE_RETENTION_S)
    for dead_letters in ("ImportBatchDeadLetters", "ImportFileDeadLetters"):
        properties = cloudformation["Resources"][dead_letters]["Properties"]
        # A moved message keeps its first enqueue time: the dead letters must outlive it.
        assert properties["MessageRetentionPeriod"] > retention
    for properties in resources(cloudformation, "AWS::SQS::Queue").values():
        assert properties["SqsManagedSseEnabled"] is True


def test_each_import_function_may_do_only_its_part(deploy: Deploys) -> None:
    cloudformation = deploy()

    assert inline_statements(cloudformation, "ImportsFunctionRole") == [
        {
            "Effect": "Allow",
            "Action": "s3:PutObject",
            "Resource": {"Fn::Sub": "${ImportBucket.Arn}/imports/*"},
        }
    ]
    statements = inline_statements(cloudformation, "ImportFileFunctionRole")
    by_action = {str(statement["Action"]): statement for statement in statements}
    reads = next(statement for statement in statements if "s3:GetObject" in statement["Action"])
    assert not any("Put" in action or "Delete" in action for action in reads["Action"])
    bucket_arns = [resource["Fn::Sub"][1]["bucketName"] for resource in reads["Resource"]]
    assert bucket_arns == [BUCKET_NAME, BUCKET_NAME]  # the bucket, by the name it is given
    assert by_action["['sqs:SendMessage*']"]["Resource"]["Fn::Sub"][1] == {
        "queueName": {"Fn::GetAtt": ["ImportBatchQueue", "QueueName"]}
    }
    assert by_action["sqs:SendMessage"]["Resource"] == {
        "Fn::GetAtt": ["ImportFileDeadLetters", "Arn"]
    }
    assert len(statements) == 3
    # The batch function polls through the event source mapping's managed policy only.
    assert inline_statements(cloudformation, "ImportBatchFunctionRole") == []
    for crud in [resource.logical_id for resource in ALL_RESOURCES] + ["HealthFunction"]:
        assert inline_statements(cloudformation, f"{crud}Role") == [], crud


def test_import_functions_are_told_their_bucket_and_queue(deploy: Deploys) -> None:
    functions = resources(deploy(), "AWS::Lambda::Function")

    assert functions["ImportsFunction"]["Environment"]["Variables"]["IMPORT_BUCKET"] == {
        "Ref": "ImportBucket"
    }
    file_variables = functions["ImportFileFunction"]["Environment"]["Variables"]
    assert file_variables["IMPORT_QUEUE_URL"] == {"Ref": "ImportBatchQueue"}
    for name in ("StudentsFunction", "ImportBatchFunction"):
        assert "IMPORT_BUCKET" not in functions[name]["Environment"]["Variables"]


@pytest.mark.parametrize("email", ["", "ops@example.org"])
def test_an_alarm_fires_when_either_dead_letter_queue_holds_a_message(
    deploy: Deploys, email: str
) -> None:
    cloudformation = deploy(AlarmEmail=email)
    alarm = resources(cloudformation, "AWS::CloudWatch::Alarm")["ImportDeadLettersAlarm"]

    watched = {
        metric["Id"]: metric["MetricStat"]["Metric"]
        for metric in alarm["Metrics"]
        if "MetricStat" in metric
    }
    assert {metric["MetricName"]: None for metric in watched.values()} == {
        "ApproximateNumberOfMessagesVisible": None
    }
    assert sorted(
        metric["Dimensions"][0]["Value"]["Fn::GetAtt"][0] for metric in watched.values()
    ) == [
        "ImportBatchDeadLetters",
        "ImportFileDeadLetters",
    ]
    (expression,) = [metric for metric in alarm["Metrics"] if "Expression" in metric]
    assert expression["ReturnData"] is True
    assert all(f"FILL({name}, 0)" in expression["Expression"] for name in watched)
    assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert alarm["Threshold"] == 1 and alarm["TreatMissingData"] == "notBreaching"
    topics = resources(cloudformation, "AWS::SNS::Topic")
    if email:
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]
        assert topics["AlarmTopic"]["Subscription"] == [
            {"Protocol": "email", "Endpoint": {"Ref": "AlarmEmail"}}
        ]
    else:
        assert "AlarmActions" not in alarm and topics == {}


def test_template_outputs_the_bucket_origin_and_the_dead_letter_queue(
    template: dict[str, Any],
) -> None:
    outputs = template["Outputs"]
    assert outputs["ImportBucketOrigin"]["Value"] == {
        "Fn::Sub": "https://${ImportBucket}.s3.${AWS::Region}.${AWS::URLSuffix}"
    }
    assert outputs["ImportBatchDeadLettersArn"]["Value"] == {
        "Fn::GetAtt": ["ImportBatchDeadLetters", "Arn"]
    }
