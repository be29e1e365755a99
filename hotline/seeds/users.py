"""Demo staff accounts with generated passwords, written once to var/demo-credentials.txt."""
from __future__ import annotations

import secrets
from pathlib import Path

import asyncpg

from hotline.auth.service import create_user
from hotline.infra.sql import load_queries

Q = load_queries(__file__)

# (username, role, department, display name)
DEMO_USERS = [
    ("agent01", "agent", None, "座席一号"),
    ("agent02", "agent", None, "座席二号"),
    ("supervisor01", "supervisor", None, "督办一号"),
    ("admin01", "admin", None, "管理员"),
    ("dept-zjj", "department", "zjj", "市住建局"),
    ("dept-zhzfj", "department", "zhzfj", "市综合行政执法局"),
    ("dept-gaj", "department", "gaj", "市公安局"),
    ("dept-rsj", "department", "rsj", "市人社局"),
    ("dept-sthjj", "department", "sthjj", "市生态环境局"),
    ("dept-scjgj", "department", "scjgj", "市市场监管局"),
    ("dept-water", "department", "water", "市水务集团"),
    ("dept-lucheng", "department", "gov-330302", "鹿城区人民政府"),
    # every department the demo tickets go to has someone who signs and replies in the demo month
    ("dept-wjw", "department", "wjw", "市卫健委"),
    ("dept-jtysj", "department", "jtysj", "市交通运输局"),
    ("dept-gjj", "department", "gjj", "市公积金中心"),
    ("dept-gas", "department", "gas", "燃气公司"),
    ("dept-ybj", "department", "ybj", "市医保局"),
    ("dept-jyj", "department", "jyj", "市教育局"),
    ("dept-yjglj", "department", "yjglj", "市应急管理局"),
    ("dept-power", "department", "power", "供电公司"),
    ("dept-mzj", "department", "mzj", "市民政局"),
]


async def seed_demo_users(conn: asyncpg.Connection, credentials_file: Path) -> list[tuple[str, str, str]]:
    """Create the demo users that do not exist yet; returns (username, role, password) of the new ones."""
    created = []
    for username, role, department, display_name in DEMO_USERS:
        if await conn.fetchval(Q.user_exists, username):
            continue
        password = secrets.token_urlsafe(12)
        await create_user(conn, username=username, password=password, role=role,
                          department_code=department, display_name=display_name)
        created.append((username, role, password))
    if created:
        credentials_file.parent.mkdir(parents=True, exist_ok=True)
        with credentials_file.open("a", encoding="utf-8") as out:
            for username, role, password in created:
                out.write(f"{username}\t{role}\t{password}\n")
        credentials_file.chmod(0o600)
    return created
