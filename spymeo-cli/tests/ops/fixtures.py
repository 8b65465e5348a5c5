"""AWS resources for the ops tests, created in moto with boto3 (from the same venv).

python fixtures.py ENDPOINT setup [DB_SECRET_JSON]   -> JSON of the created names and ARNs
python fixtures.py ENDPOINT secret ID STAGE          -> the SecretString at that stage
python fixtures.py ENDPOINT put-pending ID JSON      -> version id of a new AWSPENDING version
python fixtures.py ENDPOINT versions ID             -> JSON {versionId: [stages]}
python fixtures.py ENDPOINT service                 -> DescribeServices JSON of spymeo/web
python fixtures.py ENDPOINT releases BUCKET         -> JSON list of release-record keys
python fixtures.py ENDPOINT delete-secret ID
python fixtures.py ENDPOINT observability TG_ARN    -> log events of /spymeo/web in two streams
                                                       and 5xx datapoints of the target group
"""

import json
import sys

import boto3

endpoint, command, *rest = sys.argv[1:]
kw = dict(
    endpoint_url=endpoint,
    region_name="eu-west-3",
    aws_access_key_id="testing",
    aws_secret_access_key="testing",
)
ecs = boto3.client("ecs", **kw)
elb = boto3.client("elbv2", **kw)
ec2 = boto3.client("ec2", **kw)
sm = boto3.client("secretsmanager", **kw)
s3 = boto3.client("s3", **kw)
cw = boto3.client("cloudwatch", **kw)
logs = boto3.client("logs", **kw)


def observability(tg_arn):
    import time
    from datetime import datetime, timezone
    now_ms = int(time.time() * 1000)
    logs.create_log_group(logGroupName="/spymeo/web")
    for i, stream in enumerate(["web/app/task-a", "web/app/task-b"]):
        logs.create_log_stream(logGroupName="/spymeo/web", logStreamName=stream)
        logs.put_log_events(logGroupName="/spymeo/web", logStreamName=stream, logEvents=[
            {"timestamp": now_ms - 60_000 + i, "message": f"INFO request served ({stream})"},
            {"timestamp": now_ms - 30_000 + i, "message": f"ERROR database timeout ({stream})"},
        ])
    lb_arn = elb.describe_target_groups(TargetGroupArns=[tg_arn])["TargetGroups"][0]["LoadBalancerArns"][0]
    dims = [{"Name": "TargetGroup", "Value": tg_arn.split(":")[-1]},
            {"Name": "LoadBalancer", "Value": lb_arn.split(":loadbalancer/")[-1]}]
    cw.put_metric_data(Namespace="AWS/ApplicationELB", MetricData=[
        {"MetricName": "HTTPCode_Target_5XX_Count", "Dimensions": dims, "Value": v,
         "Timestamp": datetime.fromtimestamp(now_ms / 1000 - 120, timezone.utc)} for v in (3.0, 4.0)])


def setup(db_json):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    s1 = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="eu-west-3a")["Subnet"]["SubnetId"]
    s2 = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24", AvailabilityZone="eu-west-3b")["Subnet"]["SubnetId"]
    sg = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    lb = elb.create_load_balancer(Name="spymeo", Subnets=[s1, s2], SecurityGroups=[sg])["LoadBalancers"][0]["LoadBalancerArn"]
    tg = elb.create_target_group(Name="spymeo-web", Protocol="HTTP", Port=3000, VpcId=vpc, TargetType="ip",
                                 HealthCheckPath="/api/health")["TargetGroups"][0]["TargetGroupArn"]
    empty = elb.create_target_group(Name="spymeo-empty", Protocol="HTTP", Port=3000, VpcId=vpc,
                                    TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
    elb.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=80,
                        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])
    elb.register_targets(TargetGroupArn=tg, Targets=[{"Id": "10.0.1.17", "Port": 3000}, {"Id": "10.0.2.45", "Port": 3000}])
    db = sm.create_secret(Name="spymeo/test/db", SecretString=db_json)["ARN"]
    session = sm.create_secret(Name="spymeo/test/session", SecretString=json.dumps(
        {"SESSION_SECRET": "s" * 64, "SESSION_SECRET_PREVIOUS": ""}))["ARN"]
    ecs.create_cluster(clusterName="spymeo")
    td = ecs.register_task_definition(
        family="spymeo", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="512", memory="1024",
        containerDefinitions=[{
            "name": "app", "image": "repo/spymeo:1.0.0", "essential": True, "memory": 1024,
            "portMappings": [{"containerPort": 3000}],
            "environment": [{"name": "APP_ENV", "value": "production"}],
            "secrets": [
                {"name": "DATABASE_URL", "valueFrom": db + ":url::"},
                {"name": "SESSION_SECRET", "valueFrom": session + ":SESSION_SECRET::"},
                {"name": "SESSION_SECRET_PREVIOUS", "valueFrom": session + ":SESSION_SECRET_PREVIOUS::"},
            ],
            "logConfiguration": {"logDriver": "awslogs", "options": {
                "awslogs-group": "/spymeo/web", "awslogs-region": "eu-west-3", "awslogs-stream-prefix": "web"}},
        }])["taskDefinition"]["taskDefinitionArn"]
    ecs.create_service(
        cluster="spymeo", serviceName="web", taskDefinition=td, desiredCount=2, launchType="FARGATE",
        loadBalancers=[{"targetGroupArn": tg, "containerName": "app", "containerPort": 3000}],
        networkConfiguration={"awsvpcConfiguration": {"subnets": [s1, s2], "securityGroups": [sg]}},
        deploymentConfiguration={"deploymentCircuitBreaker": {"enable": True, "rollback": True},
                                 "maximumPercent": 200, "minimumHealthyPercent": 100})
    cw.put_metric_alarm(AlarmName="spymeo-5xx", MetricName="HTTPCode_Target_5XX_Count", Namespace="AWS/ApplicationELB",
                        Statistic="Sum", Period=60, EvaluationPeriods=1, Threshold=10, ComparisonOperator="GreaterThanThreshold")
    cw.set_alarm_state(AlarmName="spymeo-5xx", StateValue="ALARM", StateReason="Threshold Crossed: 1 datapoint [42.0] was greater than 10.0")
    cw.put_metric_alarm(AlarmName="spymeo-cpu", MetricName="CPUUtilization", Namespace="AWS/ECS",
                        Statistic="Average", Period=60, EvaluationPeriods=1, Threshold=90, ComparisonOperator="GreaterThanThreshold")
    s3.create_bucket(Bucket="spymeo-releases", CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
    print(json.dumps({"cluster": "spymeo", "service": "web", "targetGroup": tg, "emptyTargetGroup": empty,
                      "taskDefinition": td, "dbSecret": db, "sessionSecret": session}))


if command == "setup":
    setup(rest[0] if rest else json.dumps({"username": "app", "password": "x", "host": "127.0.0.1", "port": 5432, "dbname": "spymeo"}))
elif command == "secret":
    print(sm.get_secret_value(SecretId=rest[0], VersionStage=rest[1])["SecretString"])
elif command == "put-pending":
    import uuid
    token = str(uuid.uuid4())
    sm.put_secret_value(SecretId=rest[0], SecretString=rest[1], ClientRequestToken=token, VersionStages=["AWSPENDING"])
    print(token)
elif command == "versions":
    v = sm.list_secret_version_ids(SecretId=rest[0])["Versions"]
    print(json.dumps({x["VersionId"]: x["VersionStages"] for x in v}))
elif command == "service":
    print(json.dumps(ecs.describe_services(cluster="spymeo", services=["web"])["services"][0], default=str))
elif command == "releases":
    print(json.dumps([o["Key"] for o in s3.list_objects_v2(Bucket=rest[0]).get("Contents", [])]))
elif command == "observability":
    observability(rest[0])
elif command == "delete-secret":
    sm.delete_secret(SecretId=rest[0], ForceDeleteWithoutRecovery=True)
else:
    sys.exit(f"unknown command {command}")
