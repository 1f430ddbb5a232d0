"""Coze `POST /open_api/knowledge/document/list` and the new stories at Coze
(ENDPOINTS-NEXT.md section 4)."""

from __future__ import annotations

import json
from typing import Any

from tests.sim._support import Caller

LIST = "/open_api/knowledge/document/list"
DATASET = "7385093717923417"
PROCESS = f"/v1/datasets/{DATASET}/process"
LONG_ID = "7446670805219091234"  # a 64-bit id beyond 2**53
AS_STRINGS = {"Agw-Js-Conv": "str"}


def listing(call: Caller, headers: dict[str, str] | None = AS_STRINGS, **body: Any) -> Any:
    answer = call("POST", LIST, {"dataset_id": DATASET, **body}, headers=headers)
    assert answer.status == 200 and answer.headers["x-tt-logid"]
    return answer.json()


def test_the_list_has_no_data_wrapper_and_the_documented_fields(call: Caller) -> None:
    empty = listing(call)
    assert {k: empty[k] for k in ("code", "msg", "document_infos", "total")} == {
        "code": 0,
        "msg": "",
        "document_infos": [],
        "total": 0,
    }
    assert "data" not in empty and empty["detail"]["logid"]
    call("POST", PROCESS, {"document_ids": [LONG_ID, "7442585813668-fail"]})
    call.clock.advance(5)
    body = listing(call)
    assert body["total"] == 2
    first, failed = body["document_infos"]
    assert first["document_id"] == LONG_ID and first["status"] == 0  # processing
    assert failed["document_id"] == "7442585813668-fail" and failed["status"] == 9
    assert set(first) == {
        "document_id", "name", "status", "create_time", "update_time", "format_type",
        "source_type", "type", "size", "char_count", "slice_count", "hit_count",
        "update_type", "update_interval", "chunk_strategy", "tos_uri",
    }  # fmt: skip
    assert first["create_time"] == 1772366400  # 2026-03-01T12:00:00Z, 10-digit seconds
    call.clock.advance(5)
    assert listing(call)["document_infos"][0]["status"] == 1  # completed


def test_64_bit_ids_are_strings_only_with_agw_js_conv(call: Caller) -> None:
    call("POST", PROCESS, {"document_ids": [LONG_ID]})
    as_numbers = call("POST", LIST, {"dataset_id": DATASET})
    assert f'"document_id":{LONG_ID},'.encode() in as_numbers.reply.body
    assert json.loads(as_numbers.reply.body)["document_infos"][0]["document_id"] == int(LONG_ID)
    assert (
        f'"document_id":"{LONG_ID}"'.encode()
        in call("POST", LIST, {"dataset_id": DATASET}, headers=AS_STRINGS).reply.body
    )


def test_pages_by_page_and_size(call: Caller) -> None:
    ids = [f"74425858136{index:02d}" for index in range(7)]
    call("POST", PROCESS, {"document_ids": ids[:4]})
    call("POST", PROCESS, {"document_ids": ids[4:]})
    call("POST", "/v1/datasets/999/process", {"document_ids": ["1"]})  # another dataset
    pages = [listing(call, page=page, size=3) for page in (1, 2, 3, 4)]
    assert [[d["document_id"] for d in p["document_infos"]] for p in pages] == [
        ids[0:3],
        ids[3:6],
        ids[6:7],
        [],
    ]
    assert {p["total"] for p in pages} == {7}
    assert len(listing(call)["document_infos"]) == 7  # default size 10
    assert listing(call, page=0, size=3)["document_infos"] == pages[0]["document_infos"]


def test_gone_late_and_bad_requests(call: Caller) -> None:
    call("POST", PROCESS, {"document_ids": ["1-late", "2-gone", "3"]})
    assert [d["document_id"] for d in listing(call)["document_infos"]] == ["3"]
    late = call("POST", PROCESS, {"document_ids": ["1-late"]}).json()
    assert late["code"] == 4200
    call.clock.advance(3)
    assert call("POST", PROCESS, {"document_ids": ["1-late"]}).json()["code"] == 0
    assert [d["document_id"] for d in listing(call)["document_infos"]] == ["1-late", "3"]
    gone = call("POST", LIST, {"dataset_id": "55-gone"}).json()
    assert gone["code"] == 4200 and "document_infos" not in gone
    assert call("POST", LIST, {"size": 3}).json()["code"] == 4000
    assert call("POST", LIST, {"dataset_id": DATASET, "size": 0}).json()["code"] == 4000
    assert call("POST", LIST, {"dataset_id": DATASET}, token="bad-key").json()["code"] == 4100


def test_stall_freezes_progress_and_remaining_time(call: Caller) -> None:
    call("POST", PROCESS, {"document_ids": ["9-stall"]})
    call.clock.advance(5)
    frozen = call("POST", PROCESS, {"document_ids": ["9-stall"]}).json()["data"]["data"][0]
    assert (frozen["status"], frozen["progress"]) == (0, 40)
    call.clock.advance(900)
    assert call("POST", PROCESS, {"document_ids": ["9-stall"]}).json()["data"]["data"] == [frozen]
