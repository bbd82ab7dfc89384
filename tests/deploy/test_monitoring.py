"""The alarms and the dashboard a deploy creates watch what the functions measure.

Checked on SAM's translated output (the CloudFormation a deploy creates), against
api_core/metrics.py: a metric renamed in the code but not in template.yaml fails.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from api_core.metrics import COUNTS, DIMENSION, DURATION
from tests.deploy.conftest import Deploys

pytestmark = pytest.mark.deploy

EMITTED = {DURATION, *COUNTS}
STACK_NAMESPACE = {"Ref": "AWS::StackName"}


def http_functions(template: dict[str, Any]) -> set[str]:
    """The functions behind the HTTP API, from their events."""
    return {
        logical_id
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
        and any(e["Type"] == "HttpApi" for e in resource["Properties"].get("Events", {}).values())
    }


def alarms(cloudformation: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        logical_id: resource["Properties"]
        for logical_id, resource in cloudformation["Resources"].items()
        if resource["Type"] == "AWS::CloudWatch::Alarm"
    }


def watched(alarm: dict[str, Any]) -> list[dict[str, Any]]:
    """The metrics an alarm reads: its own, or those of its metric math."""
    if "MetricName" in alarm:
        return [
            {k: alarm[k] for k in ("Namespace", "MetricName") if k in alarm}
            | {"Dimensions": alarm.get("Dimensions", [])}
            | {"Stat": alarm.get("Statistic") or alarm.get("ExtendedStatistic")}
        ]
    return [
        {"Dimensions": [], **query["MetricStat"]["Metric"], "Stat": query["MetricStat"]["Stat"]}
        for query in alarm["Metrics"]
        if "MetricStat" in query
    ]


def test_the_functions_file_their_metrics_under_the_stacks_name(template: dict[str, Any]) -> None:
    variables = template["Globals"]["Function"]["Environment"]["Variables"]

    assert variables["METRICS_NAMESPACE"] == STACK_NAMESPACE


def test_the_api_alarms_on_its_5xx_and_503_rates_and_its_p99(deploy: Deploys) -> None:
    api_wide = {
        f"{metric['MetricName']} {metric['Stat']}"
        for alarm in alarms(deploy()).values()
        for metric in watched(alarm)
        if metric.get("Namespace") == STACK_NAMESPACE and metric["Stat"] != "SampleCount"
    }

    assert api_wide == {"status_5xx Sum", "status_503 Sum", f"{DURATION} p99"}


def test_the_alarms_read_the_metrics_the_functions_write(deploy: Deploys) -> None:
    for logical_id, alarm in alarms(deploy()).items():
        for metric in watched(alarm):
            if metric["Namespace"] == STACK_NAMESPACE:
                assert metric["MetricName"] in EMITTED, logical_id
                # The whole API's series: the metrics' dimensionless set.
                assert metric["Dimensions"] == [], logical_id
            else:
                assert metric["Namespace"] in ("AWS/Lambda", "AWS/SQS"), logical_id


def test_the_throttles_alarm_adds_up_every_http_function(
    template: dict[str, Any], deploy: Deploys
) -> None:
    (alarm,) = [
        alarm
        for alarm in alarms(deploy()).values()
        if any(metric["MetricName"] == "Throttles" for metric in watched(alarm))
    ]
    queries = {query["Id"]: query for query in alarm["Metrics"] if "MetricStat" in query}
    functions = {
        query["MetricStat"]["Metric"]["Dimensions"][0]["Value"]["Ref"] for query in queries.values()
    }
    (expression,) = [query["Expression"] for query in alarm["Metrics"] if "Expression" in query]

    assert functions == http_functions(template), "add the function to ApiThrottlesAlarm"
    assert sorted(re.findall(r"FILL\((\w+), 0\)", expression)) == sorted(queries)
    assert (alarm["ComparisonOperator"], alarm["Threshold"]) == ("GreaterThanThreshold", 0)


def test_rate_alarms_divide_by_the_requests_of_the_same_metric_and_period(
    deploy: Deploys,
) -> None:
    rate_alarms = 0
    for logical_id, alarm in alarms(deploy()).items():
        if "Metrics" not in alarm or watched(alarm)[0]["Namespace"] != STACK_NAMESPACE:
            continue
        rate_alarms += 1
        queries = {query["Id"]: query for query in alarm["Metrics"]}
        (expression,) = [q for q in queries.values() if "Expression" in q]
        (count,) = [q for q in queries.values() if q.get("MetricStat", {}).get("Stat") == "Sum"]
        requests = queries["requests"]["MetricStat"]
        assert requests["Stat"] == "SampleCount", logical_id
        assert requests["Metric"] == count["MetricStat"]["Metric"], logical_id
        assert requests["Period"] == count["MetricStat"]["Period"], logical_id
        assert expression["ReturnData"] is True, logical_id
        assert f"100 * {count['Id']} / requests" in expression["Expression"], logical_id
        assert alarm["Threshold"] == {"Ref": "AlarmErrorRatePercent"}, logical_id
    assert rate_alarms == 2


@pytest.mark.parametrize("email", ["", "ops@example.org"])
def test_every_alarm_emails_the_alarm_address_when_there_is_one(
    deploy: Deploys, email: str
) -> None:
    for logical_id, alarm in alarms(deploy(AlarmEmail=email)).items():
        if email:
            assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}], logical_id
        else:
            assert "AlarmActions" not in alarm, logical_id
        assert alarm["TreatMissingData"] == "notBreaching", logical_id


def test_every_dead_letter_queue_is_watched_by_an_alarm(deploy: Deploys) -> None:
    cloudformation = deploy()
    resources = cloudformation["Resources"]
    dead_letter_queues = {
        resource["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
        for resource in resources.values()
        if resource["Type"] == "AWS::SQS::Queue" and "RedrivePolicy" in resource["Properties"]
    } | {
        resource["Properties"]["DestinationConfig"]["OnFailure"]["Destination"]["Fn::GetAtt"][0]
        for resource in resources.values()
        if resource["Type"] == "AWS::Lambda::EventInvokeConfig"
    }
    watched_queues = {
        metric["Dimensions"][0]["Value"]["Fn::GetAtt"][0]
        for alarm in alarms(cloudformation).values()
        for metric in watched(alarm)
        if metric["Namespace"] == "AWS/SQS"
    }

    assert dead_letter_queues == {"ImportBatchDeadLetters", "ImportFileDeadLetters"}
    assert dead_letter_queues <= watched_queues


def test_the_dashboard_searches_the_stacks_metrics_per_function(
    template: dict[str, Any], deploy: Deploys
) -> None:
    (dashboard,) = [
        resource["Properties"]
        for resource in deploy()["Resources"].values()
        if resource["Type"] == "AWS::CloudWatch::Dashboard"
    ]
    body = dashboard["DashboardBody"]["Fn::Sub"]
    # What CloudFormation substitutes: names, the region, the alarm threshold.
    document = json.loads(re.sub(r"\$\{[\w.:]+\}", "1", body))
    searched, listed = set(), set()
    for widget in document["widgets"]:
        for line in widget["properties"]["metrics"]:
            if isinstance(line[0], dict):
                schema, metric = re.fullmatch(
                    r"SEARCH\('\{(.+)\} MetricName=\"(\w+)\"', '\w+', \d+\)", line[0]["expression"]
                ).groups()  # type: ignore[union-attr]
                assert schema == f'"1",{DIMENSION}', schema  # the stack's namespace
                searched.add(metric)
            else:
                listed.add(line[0])

    assert searched == EMITTED
    assert listed <= {"AWS/Lambda", "AWS/SQS", "..."}
    # The throttles widget names the functions: every HTTP function is there.
    assert http_functions(template) <= set(re.findall(r"\$\{(\w+Function)\}", body))
