"""moto_server whose ECS services roll out like ECS does.

moto keeps the deployment list a service was created with: UpdateService changes the
service's task definition but never starts a new deployment, so nothing could follow one.
This wrapper (test-only) makes UpdateService start a PRIMARY deployment of the new revision
and advances it on each DescribeServices: tasks start, the old deployment drains, and the
rollout COMPLETES. An image whose tag contains "broken" never starts: its tasks fail and
the deployment circuit breaker rolls back to the previous revision, as real ECS does.

It also answers CloudWatch's Smithy RPC v2 CBOR protocol for DescribeAlarms and
GetMetricData (the console's 5xx count), which the Rust SDK speaks and moto (query/JSON
only) does not; both read moto's own CloudWatch backend.

Usage: python moto_ecs.py -H 127.0.0.1 -p PORT
"""

import random

import argparse
import datetime
import re

import cbor2
from moto.cloudwatch.models import cloudwatch_backends
from moto.core.utils import utcnow
from moto.ecs import models
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import run_simple

from moto.ec2.models.elastic_network_interfaces import NetworkInterface  # noqa: E402

# moto's RunTask with awsvpc reads a DNS name its ENIs do not have.
if not hasattr(NetworkInterface, "private_dns_name"):
    NetworkInterface.private_dns_name = property(
        lambda self: "ip-" + self.private_ip_address.replace(".", "-") + ".eu-west-3.compute.internal"
    )

Backend = models.EC2ContainerServiceBackend
_update = Backend.update_service
_describe = Backend.describe_services


def _deployment(service, td, reason=None, running=0):
    did = f"ecs-svc/{random.randint(10**17, 10**18)}"
    now = utcnow()
    return {
        "createdAt": now,
        "updatedAt": now,
        "desiredCount": service.desired_count,
        "failedTasks": 0,
        "id": did,
        "launchType": service.launch_type,
        "pendingCount": service.desired_count - running,
        "runningCount": running,
        "rolloutState": "IN_PROGRESS",
        "rolloutStateReason": reason or f"ECS deployment {did} in progress.",
        "platformFamily": "FARGATE",
        "status": "PRIMARY",
        "taskDefinition": td,
    }


def update_service(self, props):
    name = props["service"].split("/")[-1]
    cluster = props.get("cluster", "default")
    before = self._get_service(cluster, name)
    previous_td = before.task_definition
    force = props.pop("force_new_deployment", False)
    td_str = props.get("task_definition")
    service = _update(self, props)
    if td_str or force:
        td = self.describe_task_definition(td_str or service.task_definition)
        service.task_definition = td.arn
        for d in service.deployments:
            if d["status"] == "PRIMARY":
                d["status"] = "ACTIVE"
        image = td.container_definitions[0].get("image", "")
        service.deployments.insert(0, _deployment(service, td.arn))
        service._sim = {"broken": "broken" in image, "previous": previous_td, "step": 0}
    return service


def _step(service):
    sim = getattr(service, "_sim", None)
    if not sim:
        return
    sim["step"] += 1
    ours = service.deployments[0]
    others = service.deployments[1:]
    if sim["broken"] and ours["status"] == "PRIMARY" and ours["rolloutState"] == "IN_PROGRESS":
        ours["failedTasks"] += 2
        if ours["failedTasks"] >= 4:
            # The circuit breaker trips and rolls back to the previous revision.
            ours["status"] = "ACTIVE"
            ours["rolloutState"] = "FAILED"
            ours["rolloutStateReason"] = "ECS deployment circuit breaker: tasks failed to start."
            ours["pendingCount"] = 0
            back = _deployment(
                service,
                sim["previous"],
                reason=f"ECS deployment circuit breaker: rolling back to deploymentId {ours['id']}.",
                running=service.desired_count,
            )
            service.deployments = [back, ours]
            service.task_definition = sim["previous"]
            sim["broken"] = False
        return
    if ours["rolloutState"] != "IN_PROGRESS":
        return
    if ours["runningCount"] < ours["desiredCount"]:
        ours["runningCount"] += 1
        ours["pendingCount"] = ours["desiredCount"] - ours["runningCount"]
    else:
        for d in others:
            d["runningCount"] = max(0, d["runningCount"] - 1)
        if all(d["runningCount"] == 0 for d in others):
            service.deployments = [ours]
            ours["rolloutState"] = "COMPLETED"
            ours["rolloutStateReason"] = f"ECS deployment {ours['id']} completed."
    service.running_count = sum(d["runningCount"] for d in service.deployments)
    service.pending_count = sum(d["pendingCount"] for d in service.deployments)


def describe_services(self, cluster_str, service_names_or_arns):
    result, failures = _describe(self, cluster_str, service_names_or_arns)
    for s in result:
        _step(s)
    return result, failures


Backend.update_service = update_service
Backend.describe_services = describe_services

CBOR_PREFIX = "/service/GraniteServiceVersion20100801/operation/"


def naive_utc(t):
    """moto keeps CloudWatch timestamps as naive UTC datetimes."""
    return t.astimezone(datetime.timezone.utc).replace(tzinfo=None) if t.tzinfo else t


def metric_data(backend, req):
    """GetMetricData through moto's own backend (moto answers it only in the query protocol)."""
    results = backend.get_metric_data(
        queries=req.get("MetricDataQueries", []),
        start_time=naive_utc(req["StartTime"]),
        end_time=naive_utc(req["EndTime"]),
        scan_by=req.get("ScanBy") or "TimestampDescending",
    )
    return {"MetricDataResults": [{
        "Id": r["id"],
        "Label": r["label"],
        "Values": [float(v) for v in r["values"]],
        "Timestamps": [cbor2.CBORTag(1, t.replace(tzinfo=datetime.timezone.utc).timestamp()) for t in r["timestamps"]],
        "StatusCode": r["status_code"],
    } for r in results], "Messages": []}


def cloudwatch_cbor(app):
    def wsgi(environ, start_response):
        path = environ.get("PATH_INFO", "")
        operation = path[len(CBOR_PREFIX):] if path.startswith(CBOR_PREFIX) else None
        if operation not in ("DescribeAlarms", "GetMetricData"):
            return app(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        req = cbor2.loads(body) if body else {}
        m = re.search(r"Credential=[^/]+/[^/]+/([^/]+)/", environ.get("HTTP_AUTHORIZATION", ""))
        backend = cloudwatch_backends["123456789012"][m.group(1) if m else "us-east-1"]
        if operation == "GetMetricData":
            out = cbor2.dumps(metric_data(backend, req))
            start_response("200 OK", [("Content-Type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor"),
                                      ("Content-Length", str(len(out)))])
            return [out]
        alarms = list(backend.describe_alarms())
        if "StateValue" in req:
            alarms = [a for a in alarms if a.state_value == req["StateValue"]]
        if "AlarmNamePrefix" in req:
            alarms = [a for a in alarms if a.name.startswith(req["AlarmNamePrefix"])]
        out = cbor2.dumps({
            "MetricAlarms": [{
                "AlarmName": a.name,
                "StateValue": a.state_value,
                "StateReason": a.state_reason,
                "StateUpdatedTimestamp": cbor2.CBORTag(1, a.state_updated_timestamp.timestamp()),
            } for a in alarms],
            "CompositeAlarms": [],
        })
        start_response("200 OK", [("Content-Type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor"),
                                  ("Content-Length", str(len(out)))])
        return [out]
    return wsgi


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("-H", "--host", default="127.0.0.1")
    p.add_argument("-p", "--port", type=int, required=True)
    args = p.parse_args()
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(args.host, args.port, cloudwatch_cbor(app), threaded=True, request_handler=MotoRequestHandler)
