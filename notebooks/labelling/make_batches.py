"""Sample real messages from ../shared/data into labelling batches of 100 (the text stays outside the repository).

The order is a fixed shuffle (seed 20261203) of the unique messages, so a larger N keeps the first batches."""
import json, random, re, sys
from pathlib import Path
import argparse
parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--shared", default=str(Path(__file__).resolve().parents[3] / "shared" / "data"))
parser.add_argument("--work", default="/work/labelling", help="where batches and the manifest go (outside the repo)")
parser.add_argument("n", type=int, nargs="?", default=4000)
args = parser.parse_args()
DATA = Path(args.shared)
SRCS = {"U": "tipdm_messages_unlabeled.jsonl", "V": "tipdm_messages_with_votes.jsonl", "R": "tipdm_messages_with_replies.jsonl"}
N = args.n
BATCH = 100
CUT = 450
seen = set(); rows = []
for s, f in SRCS.items():
    for line in open(DATA / f, encoding="utf-8"):
        r = json.loads(line)
        key = (r["title"].strip(), re.sub(r"\s+", "", r["body"])[:120])
        if key in seen:
            continue
        seen.add(key)
        rows.append((f"{s}:{r['id']}", r["title"].strip(), re.sub(r"\s+", " ", r["body"]).strip()))
random.Random(20261203).shuffle(rows)
sample = rows[:N]
out = Path(args.work) / "batches"; out.mkdir(parents=True, exist_ok=True)
manifest = []
for b in range(0, len(sample), BATCH):
    name = f"b{b // BATCH + 1:02d}"
    with open(out / f"{name}.txt", "w", encoding="utf-8") as fh:
        for key, title, body in sample[b:b + BATCH]:
            if len(body) > CUT:
                body = body[:CUT] + "…（后略）"
            fh.write(f"### {key}\n标题：{title}\n内容：{body}\n\n")
            manifest.append({"key": key, "batch": name})
with open(Path(args.work) / "manifest.jsonl", "w") as fh:
    for m in manifest:
        fh.write(json.dumps(m) + "\n")
print(len(rows), "unique;", len(sample), "sampled into", (len(sample) + BATCH - 1) // BATCH, "batches")
