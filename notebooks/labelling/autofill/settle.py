"""Settle two annotators' autofill spans: per field, both empty -> settled empty; both overlapping -> settled
(A's span); otherwise unsettled (left out). Spans stored as [start, end) offsets into message_text (title。body)."""
import argparse, json, sys, re
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from classifier.labels import message_text
parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--shared", default=str(Path(__file__).resolve().parents[4] / "shared" / "data"))
parser.add_argument("--work", default="/work/labelling/autofill", help="labels_A.jsonl and labels_B.jsonl")
parser.add_argument("--out", default=str(Path(__file__).resolve().parent / "fields_settled.jsonl"))
args = parser.parse_args()
D = args.shared + "/"
SRC = {"U": "tipdm_messages_unlabeled.jsonl", "V": "tipdm_messages_with_votes.jsonl", "R": "tipdm_messages_with_replies.jsonl"}
texts = {}
for s, f in SRC.items():
    for l in open(D + f):
        r = json.loads(l); texts.setdefault(f"{s}:{r['id']}", message_text(r))
A = [json.loads(l) for l in open(Path(args.work) / "labels_A.jsonl")]
B = {r["key"]: r for r in map(json.loads, open(Path(args.work) / "labels_B.jsonl"))}
def where(text, span):
    i = text.find(span)
    if i < 0:  # the batch text had whitespace runs folded; try again on a compacted match
        i = text.find(re.sub(r"\s+", " ", span))
    return [i, i + len(span)] if i >= 0 else None
out, agree = [], {f: [0, 0] for f in ("time", "place", "object", "appeal", "phones")}
for a in A:
    b = B[a["key"]]; text = texts[a["key"]]
    src, mid = a["key"].split(":")
    row = {"source": SRC[src], "id": int(mid)}
    for f in ("time", "place", "object", "appeal"):
        x, y = a[f], b[f]
        agree[f][1] += 1
        if not x and not y:
            row[f] = None; agree[f][0] += 1
        elif x and y:
            sx, sy = where(text, x), where(text, y)
            if sx and sy and sx[0] < sy[1] and sy[0] < sx[1]:
                row[f] = sx; agree[f][0] += 1
    agree["phones"][1] += 1
    if sorted(a["phones"]) == sorted(b["phones"]):
        row["phones"] = sorted(a["phones"]); agree["phones"][0] += 1
    out.append(row)
with open(args.out, "w") as fh:
    for r in out: fh.write(json.dumps(r, ensure_ascii=False) + "\n")
print({f: round(a / n, 3) for f, (a, n) in agree.items()}, len(out))
