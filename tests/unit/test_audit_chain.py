from needlepoint.audit.chain import GENESIS, HASHED_FIELDS, row_hash, verify_rows


def _chain(n: int) -> list[tuple[int, dict, str, str]]:
    rows, prev = [], GENESIS
    for i in range(1, n + 1):
        fields = {name: None for name in HASHED_FIELDS} | {"seq": i, "action": "read", "object_id": str(i)}
        h = row_hash(fields, prev)
        rows.append((100 + i, fields, prev, h))
        prev = h
    return rows


def test_intact_chain_verifies() -> None:
    assert verify_rows(_chain(5)) == (5, None)


def test_altered_content_is_named() -> None:
    rows = _chain(5)
    rows[2][1]["action"] = "delete"
    _, broken = verify_rows(rows)
    assert broken is not None and broken.row_id == 103 and "altered" in broken.problem


def test_deleted_row_is_detected_at_the_gap() -> None:
    rows = _chain(5)
    del rows[1]
    _, broken = verify_rows(rows)
    assert broken is not None and broken.seq == 3 and "deleted" in broken.problem


def test_recomputed_hash_without_relinking_is_detected() -> None:
    rows = _chain(4)
    row_id, fields, prev, _ = rows[1]
    fields["object_id"] = "forged"
    rows[1] = (row_id, fields, prev, row_hash(fields, prev))  # forger recomputes this row's hash
    _, broken = verify_rows(rows)
    assert broken is not None and broken.row_id == 103  # ...but the next row no longer chains
