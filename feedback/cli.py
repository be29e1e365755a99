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


def _vectors(spec: str, texts: list[str]):
    """`keywords` (jieba TF-IDF, feedback/keywords.py) or any classifier.embedders spec."""
    if spec == "keywords":
        from feedback.keywords import keyword_vectors

        return keyword_vectors(texts)
    from classifier.embedders import load_embedder

    return load_embedder(spec).embed(texts)


@app.command("hot-issues")
def hot_issues(
    data: Path = typer.Option(SHARED_DATA / "tipdm_messages_with_votes.jsonl", help="messages with likes"),
    embedder: str = typer.Option("keywords", help="keywords | e5 | use | hashing[:dim]"),
    similarity: float = typer.Option(0.3, help="cosine similarity that joins two messages"),
    top: int = typer.Option(10, help="how many issues and most-liked messages to compare"),
    body_chars: int = typer.Option(0, min=0, help="read the title and only this many body characters (0: all); "
                                                  "E5 costs about 1 s a whole message, 0.13 s at 200 characters"),
) -> None:
    """Cluster the messages WITHOUT their likes, then check what the public backed is found: of the `top`
    hottest issues, how many hold a `top` most-liked message, and how many of those messages are in any issue."""
    from feedback.hot_issues import HotIssueFinder
    from feedback.support import nearest_neighbour_similarity, support_recovery

    if not data.exists():
        raise typer.BadParameter(f"needs {data} (../shared/data)")
    rows = _messages(data)
    likes = [int(r["likes"]) for r in rows]
    vectors = _vectors(embedder, [f"{r['title']}\n{r['body'][:body_chars or None]}" for r in rows])
    issues = HotIssueFinder(similarity=similarity, support_weight=0.0).fit(
        vectors, times=[r["when"] for r in rows], support=likes).issues_
    most_liked = sorted(range(len(rows)), key=lambda i: -likes[i])[:top]
    contacts_of = {m: issue.contacts for issue in issues for m in issue.members}
    result = {
        "messages": len(rows), "embedder": embedder, "similarity": similarity, "body_chars": body_chars,
        "issues": len(issues), "in_issues": sum(i.contacts for i in issues),
        **support_recovery(issues, likes, top=top),
        "most_liked": [{"likes": likes[m], "issue_contacts": contacts_of.get(m, 1)} for m in most_liked],
        "most_liked_nearest_similarity": nearest_neighbour_similarity(vectors, most_liked),
        "hottest": [{"contacts": i.contacts, "likes": i.support, "trend": i.trend,
                     "title": rows[i.members[0]]["title"][:30]} for i in issues[:5]],
    }
    typer.echo(json.dumps(result, ensure_ascii=False))


@app.command("repeat-threshold")
def repeat_threshold(
    data: Path = typer.Option(SHARED_DATA / "tipdm_messages_with_votes.jsonl", help="messages with titles"),
    embedder: str = typer.Option("e5", help="the embedder intake uses: e5 | use | hashing[:dim]"),
    window_days: int = typer.Option(30, help="how far back intake looks for an open ticket"),
    start: float = typer.Option(0.5, help="lowest threshold of the curve"),
    step: float = typer.Option(0.01, help="threshold step"),
    other_pairs: int = typer.Option(0, help="embed only a random sample of this many different-event pairs "
                                           "(0: all; E5 needs about 1 s a message)"),
) -> None:
    """Precision / recall of "same event" at each cosine threshold, for pairs intake would compare (same place,
    within the window); same title = same event. Prints the curve and the best F1 point as JSON; with
    `--other-pairs`, precision is over the sample, so read the other pairs' similarity quantiles instead."""
    import numpy as np

    from feedback.repeat_probe import best_threshold, candidate_pairs, place_of, threshold_curve

    if not data.exists():
        raise typer.BadParameter(f"needs {data} (../shared/data)")
    rows = _messages(data)
    texts = [f"{r['title']}\n{r['body']}" for r in rows]
    pairs, same = candidate_pairs([r["title"] for r in rows], [place_of(t) for t in texts],
                                  [r["when"] for r in rows], window_days=window_days)
    all_pairs = len(pairs)
    if other_pairs:
        others = np.random.default_rng(0).choice(np.flatnonzero(~same), min(other_pairs, int((~same).sum())),
                                                 replace=False)
        keep = np.concatenate([np.flatnonzero(same), others])
        pairs, same = pairs[keep], same[keep]
    reworded = same & np.array([rows[i]["body"].strip() != rows[j]["body"].strip() for i, j in pairs], dtype=bool)
    needed = np.unique(pairs)
    vectors = np.zeros((len(rows), 1), dtype=np.float32)
    if len(needed):
        embedded = _vectors(embedder, [texts[i] for i in needed])
        vectors = np.zeros((len(rows), embedded.shape[1]), dtype=np.float32)
        vectors[needed] = embedded
    curve = threshold_curve(vectors, pairs, same, np.arange(start, 1.0 + 1e-9, step), reworded=reworded)
    similarity = np.einsum("ij,ij->i", vectors[pairs[:, 0]], vectors[pairs[:, 1]])
    quantiles = (0.5, 0.9, 0.99, 1.0)
    typer.echo(json.dumps({
        "messages": len(rows), "embedder": embedder, "window_days": window_days, "pairs": all_pairs,
        "pairs_embedded": len(pairs), "same_event_pairs": int(same.sum()), "reworded_pairs": int(reworded.sum()),
        "other_pairs_similarity": {str(q): round(float(np.quantile(similarity[~same], q)), 3) for q in quantiles}
        if (~same).any() else None,
        "same_event_similarity": {str(q): round(float(np.quantile(similarity[same], q)), 3) for q in (0.0, 0.1, 0.5)}
        if same.any() else None,
        "best_f1": best_threshold(curve), "curve": curve,
    }, ensure_ascii=False))
