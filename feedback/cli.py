"""`hotline feedback ...`: measurements of the feedback library on the shared public data."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import typer

app = typer.Typer(help="callbacks, metrics and hot issues: measurements", no_args_is_help=True)
SHARED_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


def _messages(path: Path) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for row in rows:
        row["when"] = datetime.strptime(row["time"].split(".")[0].replace("-", "/"), "%Y/%m/%d %H:%M:%S")
    return rows


def _spearman(a: list[float], b: list[float]) -> float | None:
    from scipy.stats import spearmanr

    return None if len(a) < 3 else round(float(spearmanr(a, b).statistic), 3)


@app.command("hot-issues")
def hot_issues(
    data: Path = typer.Option(SHARED_DATA / "tipdm_messages_with_votes.jsonl", help="messages with likes"),
    embedder: str = typer.Option("use", help="use | hashing[:dim]"),
    similarity: float = typer.Option(0.8, help="cosine similarity that joins two messages"),
    top: int = typer.Option(10, help="how many issues to compare"),
) -> None:
    """Cluster the messages WITHOUT their likes, then check the clusters the public backed most are found:
    of the `top` issues by total likes, how many are in the `top` by contacts alone."""
    from classifier.embedders import load_embedder
    from feedback.hot_issues import HotIssueFinder

    if not data.exists():
        raise typer.BadParameter(f"needs {data} (../shared/data)")
    rows = _messages(data)
    vectors = load_embedder(embedder).embed([f"{r['title']}\n{r['body']}" for r in rows])
    finder = HotIssueFinder(similarity=similarity, support_weight=0.0).fit(
        vectors, times=[r["when"] for r in rows], support=[int(r["likes"]) for r in rows])
    issues = finder.issues_
    by_contacts = {id(i) for i in sorted(issues, key=lambda i: (-i.contacts, -i.support))[:top]}
    by_support = sorted(issues, key=lambda i: -i.support)[:top]
    most_liked = sorted(range(len(rows)), key=lambda i: -rows[i]["likes"])[:5]
    contacts_of = {m: issue.contacts for issue in issues for m in issue.members}
    result = {
        "messages": len(rows), "embedder": embedder, "similarity": similarity, "issues": len(issues),
        "in_issues": sum(i.contacts for i in issues),
        f"top{top}_by_support_found_in_top{top}_by_contacts": sum(id(i) in by_contacts for i in by_support),
        "spearman_contacts_support": _spearman([i.contacts for i in issues], [i.support for i in issues]),
        "most_liked_messages_cluster_contacts": [contacts_of.get(m, 1) for m in most_liked],
        "hottest": [{"contacts": i.contacts, "likes": i.support, "trend": i.trend,
                     "title": rows[i.members[0]]["title"][:30]} for i in issues[:5]],
    }
    typer.echo(json.dumps(result, ensure_ascii=False))
