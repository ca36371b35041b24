"""The WorkDocs upload flow through boto3 (botocore: the AWS CLI's engine) against WorkDocs Local.

Run by test/compat/boto3.test.ts with Debian's /usr/bin/python3 (python3-boto3). Nothing here is
specific to WorkDocs Local except the endpoint and the chaos control plane (a test-only API):
the client is a plain `boto3.client('workdocs', endpoint_url=...)`.

Input (environment): WDL_ENDPOINT, WDL_REGION, WDL_ACCESS_KEY_ID, WDL_SECRET_ACCESS_KEY,
WDL_TOKEN (the demo user's Authentication token), WDL_USER_ID, WDL_ROOT_FOLDER_ID.
Output (stdout): one JSON object {"versions": {...}, "steps": {name: {"ok": bool, ...}}}.
Each step records what it saw, so the test can say which step broke and why. Secrets (token,
keys, upload/download URLs) are never printed.
"""

import datetime
import hashlib
import json
import os
import platform
import sys
import traceback
import urllib.request
import uuid

import boto3
import botocore
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT = os.environ["WDL_ENDPOINT"]
REGION = os.environ["WDL_REGION"]
ACCESS_KEY_ID = os.environ["WDL_ACCESS_KEY_ID"]
SECRET_ACCESS_KEY = os.environ["WDL_SECRET_ACCESS_KEY"]
TOKEN = os.environ["WDL_TOKEN"]
USER_ID = os.environ["WDL_USER_ID"]
ROOT_FOLDER_ID = os.environ["WDL_ROOT_FOLDER_ID"]

# One attempt per call: a retry would hide what the service answered.
CONFIG = Config(retries={"max_attempts": 0}, connect_timeout=10, read_timeout=60)

# Direct connections only (the service listens on 127.0.0.1); urllib would otherwise honour
# *_proxy variables.
URL_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def make_client(secret=SECRET_ACCESS_KEY):
    return boto3.client(
        "workdocs",
        endpoint_url=ENDPOINT,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY_ID,
        aws_secret_access_key=secret,
        config=CONFIG,
    )


client = make_client()
summary = {
    "versions": {
        "boto3": boto3.__version__,
        "botocore": botocore.__version__,
        "python": platform.python_version(),
    },
    "steps": {},
}
state = {}
timestamps = []


def step(name):
    """Runs fn() as step `name`; fn returns a dict of observations that must include 'ok'."""

    def wrap(fn):
        try:
            result = fn()
        except ClientError as err:
            result = {
                "ok": False,
                "error": "ClientError",
                "code": err.response.get("Error", {}).get("Code"),
                "message": err.response.get("Error", {}).get("Message"),
            }
        except Exception as err:  # noqa: BLE001 - any failure is reported, not raised
            result = {
                "ok": False,
                "error": type(err).__name__,
                "message": str(err),
                "trace": traceback.format_exc(limit=4),
            }
        summary["steps"][name] = result
        return fn

    return wrap


def is_aware_datetime(value):
    return isinstance(value, datetime.datetime) and value.tzinfo is not None


def note_timestamp(where, value):
    timestamps.append(
        {
            "where": where,
            "type": type(value).__name__,
            "aware": is_aware_datetime(value),
            "iso": value.isoformat() if isinstance(value, datetime.datetime) else repr(value),
            "epochMs": round(value.timestamp() * 1000) if isinstance(value, datetime.datetime) else None,
        }
    )


def http(method, url, data=None, headers=None):
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with URL_OPENER.open(req, timeout=60) as res:
            return res.status, res.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


DOC_NAME = "héllo wörld 📄.txt"
CONTENT = ("hello from boto3 " + uuid.uuid4().hex + "\n").encode() * 100
CONTENT_SHA256 = hashlib.sha256(CONTENT).hexdigest()


@step("get_current_user")
def _():
    res = client.get_current_user(AuthenticationToken=TOKEN)
    user = res["User"]
    note_timestamp("User.CreatedTimestamp", user.get("CreatedTimestamp"))
    return {
        "ok": user["Id"] == USER_ID,
        "userId": user["Id"],
        "username": user.get("Username"),
        "rootFolderId": user.get("RootFolderId"),
    }


@step("describe_root_folders")
def _():
    res = client.describe_root_folders(AuthenticationToken=TOKEN)
    ids = [f["Id"] for f in res["Folders"]]
    return {"ok": ROOT_FOLDER_ID in ids, "containsRoot": ROOT_FOLDER_ID in ids, "count": len(ids)}


@step("create_folder")
def _():
    # Non-ASCII and spaces: botocore escapes them in the JSON body (ensure_ascii).
    name = "boto3 dossier été 📁 " + uuid.uuid4().hex[:8]
    res = client.create_folder(AuthenticationToken=TOKEN, Name=name, ParentFolderId=ROOT_FOLDER_ID)
    meta = res["Metadata"]
    state["folderId"] = meta["Id"]
    state["folderName"] = name
    note_timestamp("FolderMetadata.CreatedTimestamp", meta.get("CreatedTimestamp"))
    return {
        "ok": meta["Name"] == name and meta["ParentFolderId"] == ROOT_FOLDER_ID,
        "name": meta["Name"],
        "parentFolderId": meta["ParentFolderId"],
        "httpStatus": res["ResponseMetadata"]["HTTPStatusCode"],
    }


@step("initiate_document_version_upload")
def _():
    res = client.initiate_document_version_upload(
        AuthenticationToken=TOKEN,
        ParentFolderId=state["folderId"],
        Name=DOC_NAME,
        ContentType="text/plain",
        DocumentSizeInBytes=len(CONTENT),
        ContentCreatedTimestamp=datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc),
    )
    meta = res["Metadata"]
    upload = res["UploadMetadata"]
    state["documentId"] = meta["Id"]
    state["versionId"] = meta["LatestVersionMetadata"]["Id"]
    state["uploadUrl"] = upload["UploadUrl"]
    state["signedHeaders"] = upload["SignedHeaders"]
    return {
        "ok": bool(upload["UploadUrl"]) and meta["LatestVersionMetadata"]["Status"] == "INITIALIZED",
        "versionStatus": meta["LatestVersionMetadata"]["Status"],
        "hasUploadUrl": bool(upload["UploadUrl"]),
        "signedHeaderNames": sorted(upload["SignedHeaders"].keys()),
        "httpStatus": res["ResponseMetadata"]["HTTPStatusCode"],
    }


@step("put_bytes")
def _():
    status, body = http("PUT", state["uploadUrl"], data=CONTENT, headers=state["signedHeaders"])
    return {"ok": 200 <= status < 300, "status": status, "body": body[:300].decode("utf-8", "replace")}


@step("update_document_version_active")
def _():
    res = client.update_document_version(
        AuthenticationToken=TOKEN,
        DocumentId=state["documentId"],
        VersionId=state["versionId"],
        VersionStatus="ACTIVE",
    )
    status = res["ResponseMetadata"]["HTTPStatusCode"]
    return {"ok": 200 <= status < 300, "httpStatus": status}


@step("get_document")
def _():
    res = client.get_document(AuthenticationToken=TOKEN, DocumentId=state["documentId"])
    meta = res["Metadata"]
    latest = meta["LatestVersionMetadata"]
    note_timestamp("DocumentMetadata.CreatedTimestamp", meta.get("CreatedTimestamp"))
    note_timestamp("DocumentMetadata.ModifiedTimestamp", meta.get("ModifiedTimestamp"))
    content_created = latest.get("ContentCreatedTimestamp")
    note_timestamp("DocumentVersionMetadata.ContentCreatedTimestamp", content_created)
    return {
        "ok": latest["Status"] == "ACTIVE" and latest["Size"] == len(CONTENT),
        "status": latest["Status"],
        "size": latest["Size"],
        "expectedSize": len(CONTENT),
        "name": latest.get("Name"),
        "expectedName": DOC_NAME,
        "contentType": latest.get("ContentType"),
        "parentFolderId": meta.get("ParentFolderId"),
        "contentCreatedIso": (
            content_created.isoformat() if isinstance(content_created, datetime.datetime) else None
        ),
    }


@step("get_document_version_source")
def _():
    res = client.get_document_version(
        AuthenticationToken=TOKEN,
        DocumentId=state["documentId"],
        VersionId=state["versionId"],
        Fields="SOURCE",
    )
    source = res["Metadata"].get("Source") or {}
    url = source.get("ORIGINAL")
    if not url:
        return {"ok": False, "sourceKeys": sorted(source.keys())}
    status, body = http("GET", url)
    digest = hashlib.sha256(body).hexdigest()
    return {
        "ok": status == 200 and digest == CONTENT_SHA256,
        "status": status,
        "sha256Matches": digest == CONTENT_SHA256,
        "downloadedBytes": len(body),
        "sourceKeys": sorted(source.keys()),
    }


@step("describe_folder_contents_paginated")
def _():
    expected = {DOC_NAME}
    for sub in ("sub-a", "sub-b"):
        created = client.create_folder(
            AuthenticationToken=TOKEN, Name=sub, ParentFolderId=state["folderId"]
        )
        state[sub] = created["Metadata"]["Id"]
        expected.add(sub)
    paginator = client.get_paginator("describe_folder_contents")
    pages = 0
    non_empty_pages = 0
    names = []
    markers_sent = 0
    for page in paginator.paginate(
        AuthenticationToken=TOKEN, FolderId=state["folderId"], PaginationConfig={"PageSize": 1}
    ):
        pages += 1
        items = [f["Name"] for f in page.get("Folders", [])] + [
            d["LatestVersionMetadata"]["Name"] for d in page.get("Documents", [])
        ]
        if items:
            non_empty_pages += 1
        if page.get("Marker"):
            markers_sent += 1
        names.extend(items)
        if pages > 20:
            break
    return {
        "ok": sorted(names) == sorted(expected) and non_empty_pages == len(expected),
        "pages": pages,
        "nonEmptyPages": non_empty_pages,
        "markersFollowed": markers_sent,
        "names": sorted(names),
        "expected": sorted(expected),
    }


@step("describe_users")
def _():
    res = client.describe_users(AuthenticationToken=TOKEN, UserIds=USER_ID)
    ids = [u["Id"] for u in res["Users"]]
    username = res["Users"][0].get("Username") if ids else None
    return {"ok": ids == [USER_ID], "userIds": ids, "username": username}


@step("abort_second_draft")
def _():
    second = b"a second draft that will be aborted\n"
    res = client.initiate_document_version_upload(
        AuthenticationToken=TOKEN,
        Id=state["documentId"],
        ContentType="text/plain",
        DocumentSizeInBytes=len(second),
    )
    draft_id = res["Metadata"]["LatestVersionMetadata"]["Id"]
    abort = client.abort_document_version_upload(
        AuthenticationToken=TOKEN, DocumentId=state["documentId"], VersionId=draft_id
    )
    abort_status = abort["ResponseMetadata"]["HTTPStatusCode"]
    doc = client.get_document(AuthenticationToken=TOKEN, DocumentId=state["documentId"])
    latest = doc["Metadata"]["LatestVersionMetadata"]
    gone = False
    try:
        client.get_document_version(
            AuthenticationToken=TOKEN, DocumentId=state["documentId"], VersionId=draft_id
        )
    except client.exceptions.EntityNotExistsException:
        gone = True
    return {
        "ok": draft_id != state["versionId"]
        and abort_status == 204
        and latest["Id"] == state["versionId"]
        and gone,
        "draftDiffers": draft_id != state["versionId"],
        "abortHttpStatus": abort_status,
        "latestIsFirstVersion": latest["Id"] == state["versionId"],
        "abortedVersionGone": gone,
    }


@step("second_version_and_versions_paginator")
def _():
    second = b"the second version, uploaded through boto3\n" * 10
    res = client.initiate_document_version_upload(
        AuthenticationToken=TOKEN,
        Id=state["documentId"],
        ContentType="text/plain",
        DocumentSizeInBytes=len(second),
    )
    new_id = res["Metadata"]["LatestVersionMetadata"]["Id"]
    state["secondVersionId"] = new_id
    upload = res["UploadMetadata"]
    put_status, _body = http("PUT", upload["UploadUrl"], data=second, headers=upload["SignedHeaders"])
    client.update_document_version(
        AuthenticationToken=TOKEN, DocumentId=state["documentId"], VersionId=new_id, VersionStatus="ACTIVE"
    )
    paginator = client.get_paginator("describe_document_versions")
    version_ids = []
    pages = 0
    for page in paginator.paginate(
        AuthenticationToken=TOKEN, DocumentId=state["documentId"], PaginationConfig={"PageSize": 1}
    ):
        pages += 1
        version_ids.extend(v["Id"] for v in page["DocumentVersions"])
        if pages > 10:
            break
    latest = client.get_document(AuthenticationToken=TOKEN, DocumentId=state["documentId"])["Metadata"][
        "LatestVersionMetadata"
    ]
    expected = sorted([state["versionId"], new_id])
    return {
        "ok": put_status == 200
        and sorted(version_ids) == expected
        and latest["Id"] == new_id
        and latest["Size"] == len(second),
        "putStatus": put_status,
        "versionCount": len(version_ids),
        "pages": pages,
        "listsBothVersions": sorted(version_ids) == expected,
        "latestIsNewVersion": latest["Id"] == new_id,
        "latestSize": latest["Size"],
        "expectedSize": len(second),
    }


@step("rename_path_delete")
def _():
    renamed = "renamed by boto3 \u00e0 + & = %.txt"
    upd = client.update_document(AuthenticationToken=TOKEN, DocumentId=state["documentId"], Name=renamed)
    path = client.get_document_path(
        AuthenticationToken=TOKEN, DocumentId=state["documentId"], Fields="NAME", Limit=10
    )
    path_names = [c.get("Name") for c in path["Path"]["Components"]]
    deleted = client.delete_folder(AuthenticationToken=TOKEN, FolderId=state["sub-b"])
    listing = client.describe_folder_contents(AuthenticationToken=TOKEN, FolderId=state["folderId"])
    names = sorted(
        [f["Name"] for f in listing.get("Folders", [])]
        + [d["LatestVersionMetadata"]["Name"] for d in listing.get("Documents", [])]
    )
    expected = sorted([renamed, "sub-a"])
    return {
        "ok": upd["ResponseMetadata"]["HTTPStatusCode"] == 200
        and deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
        and names == expected
        and path_names[-2:] == [state["folderName"], renamed],
        "updateHttpStatus": upd["ResponseMetadata"]["HTTPStatusCode"],
        "deleteHttpStatus": deleted["ResponseMetadata"]["HTTPStatusCode"],
        "pathNames": path_names,
        "expectedPathTail": [state["folderName"], renamed],
        "names": names,
        "expected": expected,
    }


def version_ids(document_id):
    res = client.describe_document_versions(AuthenticationToken=TOKEN, DocumentId=document_id)
    return [v["Id"] for v in res["DocumentVersions"]]


def latest_version_id(document_id):
    res = client.get_document(AuthenticationToken=TOKEN, DocumentId=document_id)
    return res["Metadata"]["LatestVersionMetadata"]["Id"]


@step("delete_and_restore_versions")
def _():
    doc, first, second = state["documentId"], state["versionId"], state["secondVersionId"]
    deleted = client.delete_document_version(
        AuthenticationToken=TOKEN, DocumentId=doc, VersionId=second, DeletePriorVersions=False
    )
    after_delete = version_ids(doc)
    latest_after_delete = latest_version_id(doc)
    only_version_error = None
    try:
        client.delete_document_version(
            AuthenticationToken=TOKEN, DocumentId=doc, VersionId=first, DeletePriorVersions=False
        )
    except client.exceptions.InvalidOperationException as err:
        only_version_error = {
            "class": type(err).__name__,
            "httpStatus": err.response["ResponseMetadata"]["HTTPStatusCode"],
        }
    restored = client.restore_document_versions(AuthenticationToken=TOKEN, DocumentId=doc)
    after_restore = version_ids(doc)
    latest_after_restore = latest_version_id(doc)
    client.delete_document_version(
        AuthenticationToken=TOKEN, DocumentId=doc, VersionId=second, DeletePriorVersions=True
    )
    after_prior = version_ids(doc)
    client.restore_document_versions(AuthenticationToken=TOKEN, DocumentId=doc)
    observed = {
        "deleteHttpStatus": deleted["ResponseMetadata"]["HTTPStatusCode"],
        "restoreHttpStatus": restored["ResponseMetadata"]["HTTPStatusCode"],
        "afterDelete": after_delete == [first],
        "latestAfterDeleteIsFirst": latest_after_delete == first,
        "onlyVersionError": only_version_error,
        "afterRestore": after_restore == [second, first],
        "latestAfterRestoreIsSecond": latest_after_restore == second,
        "afterDeletePrior": after_prior == [second],
        "finalVersions": version_ids(doc) == [second, first],
    }
    observed["ok"] = (
        observed["deleteHttpStatus"] == 204
        and observed["restoreHttpStatus"] == 204
        and only_version_error is not None
        and all(observed[k] for k in ("afterDelete", "latestAfterDeleteIsFirst", "afterRestore",
                                      "latestAfterRestoreIsSecond", "afterDeletePrior", "finalVersions"))
    )
    return observed


@step("get_resources_shared_with_me")
def _():
    # The administrator (no token) creates a user and lists what was shared with them.
    username = "boto3-" + uuid.uuid4().hex[:8]
    user = client.create_user(
        Username=username, GivenName="Boto", Surname="Three", Password="correct-horse-battery-1"
    )["User"]
    before = client.get_resources(UserId=user["Id"], CollectionType="SHARED_WITH_ME")
    client.add_resource_permissions(
        AuthenticationToken=TOKEN,
        ResourceId=state["documentId"],
        Principals=[{"Id": user["Id"], "Type": "USER", "Role": "VIEWER"}],
    )
    after = client.get_resources(UserId=user["Id"], CollectionType="SHARED_WITH_ME", Limit=10)
    mine = client.get_resources(AuthenticationToken=TOKEN)
    refused = None
    try:
        client.get_resources(AuthenticationToken=TOKEN, UserId=user["Id"])
    except client.exceptions.UnauthorizedOperationException as err:
        refused = err.response["ResponseMetadata"]["HTTPStatusCode"]
    documents = [d["Id"] for d in after.get("Documents", [])]
    return {
        "ok": before.get("Documents", []) == []
        and documents == [state["documentId"]]
        and mine.get("Documents", []) == []
        and refused == 403,
        "documentsBefore": len(before.get("Documents", [])),
        "sharedDocumentListed": documents == [state["documentId"]],
        "folders": len(after.get("Folders", [])),
        "latestName": (after.get("Documents") or [{}])[0].get("LatestVersionMetadata", {}).get("Name"),
        "ownCollectionEmpty": mine.get("Documents", []) == [] and mine.get("Folders", []) == [],
        "otherUserRefusedStatus": refused,
    }


@step("delete_folder_contents")
def _():
    folder = client.create_folder(
        AuthenticationToken=TOKEN, Name="to empty " + uuid.uuid4().hex[:6], ParentFolderId=ROOT_FOLDER_ID
    )["Metadata"]["Id"]
    sub = client.create_folder(AuthenticationToken=TOKEN, Name="inner", ParentFolderId=folder)["Metadata"]["Id"]
    client.create_folder(AuthenticationToken=TOKEN, ParentFolderId=sub)  # no Name: optional in the model
    res = client.delete_folder_contents(AuthenticationToken=TOKEN, FolderId=folder)
    listing = client.describe_folder_contents(AuthenticationToken=TOKEN, FolderId=folder)
    still_there = client.get_folder(AuthenticationToken=TOKEN, FolderId=folder)["Metadata"]["Id"] == folder
    sub_gone = False
    try:
        client.get_folder(AuthenticationToken=TOKEN, FolderId=sub)
    except client.exceptions.EntityNotExistsException:
        sub_gone = True
    empty = listing.get("Folders", []) == [] and listing.get("Documents", []) == []
    status = res["ResponseMetadata"]["HTTPStatusCode"]
    return {
        "ok": status == 204 and empty and still_there and sub_gone,
        "httpStatus": status,
        "empty": empty,
        "folderKept": still_there,
        "subfolderGone": sub_gone,
    }


@step("labels_and_custom_metadata")
def _():
    doc = state["documentId"]
    client.create_labels(AuthenticationToken=TOKEN, ResourceId=doc, Labels=["boto3", "two words", "a+b"])
    # A list in the query string: botocore repeats the key.
    client.delete_labels(AuthenticationToken=TOKEN, ResourceId=doc, Labels=["two words", "a+b"])
    labels = client.get_document(AuthenticationToken=TOKEN, DocumentId=doc)["Metadata"].get("Labels")
    client.create_custom_metadata(
        AuthenticationToken=TOKEN, ResourceId=doc, CustomMetadata={"project": "apollo", "cost center": "42"}
    )
    client.delete_custom_metadata(AuthenticationToken=TOKEN, ResourceId=doc, Keys=["cost center"])
    metadata = client.get_document(
        AuthenticationToken=TOKEN, DocumentId=doc, IncludeCustomMetadata=True
    ).get("CustomMetadata")
    return {
        "ok": labels == ["boto3"] and metadata == {"project": "apollo"},
        "labels": labels,
        "customMetadata": metadata,
    }


@step("error_entity_not_exists")
def _():
    missing = "no-such-document-" + uuid.uuid4().hex[:8]
    try:
        client.get_document(AuthenticationToken=TOKEN, DocumentId=missing)
    except client.exceptions.EntityNotExistsException as err:
        entity_ids = err.response.get("EntityIds")
        return {
            "ok": isinstance(entity_ids, list) and missing in entity_ids,
            "class": type(err).__name__,
            "code": err.response["Error"]["Code"],
            "httpStatus": err.response["ResponseMetadata"]["HTTPStatusCode"],
            "entityIds": entity_ids,
            "missingId": missing,
        }
    return {"ok": False, "message": "no exception raised"}


@step("error_injected_storage_limit")
def _():
    rules = [
        {
            "operation": "InitiateDocumentVersionUpload",
            "error": {"code": "StorageLimitExceededException"},
            "count": 1,
        }
    ]
    status, body = http(
        "POST",
        ENDPOINT + "/_local/chaos/faults",
        data=json.dumps(rules).encode(),
        headers={"content-type": "application/json"},
    )
    if status != 200:
        return {"ok": False, "chaosStatus": status, "body": body[:300].decode("utf-8", "replace")}
    caught = None
    try:
        client.initiate_document_version_upload(
            AuthenticationToken=TOKEN, ParentFolderId=state["folderId"], Name="never.txt"
        )
    except client.exceptions.StorageLimitExceededException as err:
        caught = err
    if caught is None:
        return {"ok": False, "chaosStatus": status, "message": "no StorageLimitExceededException raised"}
    # The rule had count 1: the next call goes through.
    after = client.initiate_document_version_upload(
        AuthenticationToken=TOKEN, ParentFolderId=state["folderId"], Name="after-fault.txt"
    )
    return {
        "ok": True,
        "chaosStatus": status,
        "class": type(caught).__name__,
        "code": caught.response["Error"]["Code"],
        "httpStatus": caught.response["ResponseMetadata"]["HTTPStatusCode"],
        "nextCallSucceeded": bool(after["UploadMetadata"]["UploadUrl"]),
    }


@step("error_wrong_secret_key")
def _():
    bad = make_client(secret=SECRET_ACCESS_KEY + "-wrong")
    try:
        bad.get_current_user(AuthenticationToken=TOKEN)
    except ClientError as err:
        return {
            "ok": True,
            "class": type(err).__name__,
            "code": err.response["Error"]["Code"],
            "httpStatus": err.response["ResponseMetadata"]["HTTPStatusCode"],
        }
    return {"ok": False, "message": "a request signed with the wrong secret key succeeded"}


@step("timestamps_are_datetimes")
def _():
    return {
        "ok": len(timestamps) > 0 and all(t["aware"] for t in timestamps),
        "timestamps": timestamps,
    }


json.dump(summary, sys.stdout, indent=2, sort_keys=True)
sys.stdout.write("\n")
