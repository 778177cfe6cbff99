"""match_graduate_provinces: the provinces each indexed graduate wants to work in

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 18:20:00

Written by ``index_graduates`` with each graduate's vector; the upgrade fills it for the
graduates that already have one (from their profile's intended cities).
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "match_graduate_provinces",
        sa.Column("student_record_id", sa.Integer(), nullable=False),
        sa.Column(
            "province_code",
            sa.String(length=6),
            nullable=False,
            comment="GB/T 2260 province code, e.g. 330000",
        ),
        sa.PrimaryKeyConstraint(
            "student_record_id", "province_code", name=op.f("pk_match_graduate_provinces")
        ),
    )
    with op.batch_alter_table("match_graduate_provinces", schema=None) as batch_op:
        batch_op.create_index(
            "ix_match_graduate_provinces_province",
            ["province_code", "student_record_id"],
            unique=False,
        )
    _fill_from_indexed_profiles()


def _province(code: object) -> str | None:
    text = str(code)
    if len(text) != 6 or not text.isdigit() or text[:2] == "00":
        return None
    return f"{text[:2]}0000"


def _fill_from_indexed_profiles() -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT p.student_record_id, p.intended_city_codes FROM graduate_profiles p "
            "JOIN match_vectors v ON v.kind = 'graduate' AND v.entity_id = p.student_record_id"
        )
    )
    table = sa.table(
        "match_graduate_provinces",
        sa.column("student_record_id", sa.Integer()),
        sa.column("province_code", sa.String()),
    )
    batch: list[dict[str, object]] = []
    for record_id, codes in rows:
        if isinstance(codes, str):
            codes = json.loads(codes)
        provinces = {p for p in (_province(c) for c in codes or ()) if p}
        batch += [{"student_record_id": record_id, "province_code": p} for p in sorted(provinces)]
        if len(batch) >= 10_000:
            connection.execute(sa.insert(table), batch)
            batch = []
    if batch:
        connection.execute(sa.insert(table), batch)


def downgrade() -> None:
    with op.batch_alter_table("match_graduate_provinces", schema=None) as batch_op:
        batch_op.drop_index("ix_match_graduate_provinces_province")
    op.drop_table("match_graduate_provinces")
