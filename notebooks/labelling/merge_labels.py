"""Build classifier/data/labels/real_messages.jsonl from annotators A, B (and C's third reading of disagreements).

Per head: A == B -> settled; else C's label if it equals A's or B's -> settled; else unsettled (dropped).
Category is settled level by level: the longest prefix settled this way is kept (a row may keep only level 1-2).
Messages with any disagreement and no third reading yet go to WORK/batches/disputed.txt, for annotator C (the same
brief, blind to A and B); their labels go to WORK/labels_C/*.tsv and a rerun settles them."""
import json, sys
from pathlib import Path
import argparse
parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--work", default="/work/labelling", help="batches, manifest and labels_A|B|C/*.tsv")
parser.add_argument("--out", default=str(Path(__file__).resolve().parents[2] / "classifier" / "data" / "labels" / "real_messages.jsonl"))
args = parser.parse_args()
L = Path(args.work)
SRC = {"U": "tipdm_messages_unlabeled.jsonl", "V": "tipdm_messages_with_votes.jsonl", "R": "tipdm_messages_with_replies.jsonl"}
OUT = Path(args.out)

def read(letter):
    out = {}
    for f in sorted((L / f"labels_{letter}").glob("*.tsv")):
        for line in open(f, encoding="utf-8"):
            if line.strip():
                k, t, u, c = line.rstrip("\n").split("\t")
                out[k] = {"type": t, "urgency": u, "category": c}
    return out

def settle_flat(a, b, c):
    if a == b: return a
    if c is not None and c in (a, b): return c
    return None

def settle_path(a, b, c):
    kept = []
    for level in range(1, 4):
        pa, pb = "/".join(a.split("/")[:level]), "/".join(b.split("/")[:level])
        pc = "/".join(c.split("/")[:level]) if c else None
        s = settle_flat(pa, pb, pc)
        if s is None: break
        kept = s
    return kept or None

A, B, C = read("A"), read("B"), read("C")
order = [json.loads(l)["key"] for l in open(L / "manifest.jsonl")]
rows, disputed = [], []
for key in order:
    if key not in A or key not in B: continue
    a, b, c = A[key], B[key], C.get(key)
    src, mid = key.split(":")
    row = {"source": SRC[src], "id": int(mid)}
    for head in ("type", "urgency"):
        row[head] = settle_flat(a[head], b[head], c and c[head])
    row["category"] = settle_path(a["category"], b["category"], c and c["category"])
    row["a"], row["b"] = [a["type"], a["urgency"], a["category"]], [b["type"], b["urgency"], b["category"]]
    if c: row["c"] = [c["type"], c["urgency"], c["category"]]
    if a != b and not c: disputed.append(key)
    rows.append(row)
OUT.parent.mkdir(parents=True, exist_ok=True)
with open(OUT, "w", encoding="utf-8") as fh:
    for r in rows:
        fh.write(json.dumps(r, ensure_ascii=False) + "\n")
print(len(rows), "rows;", len(disputed), "disputed without a third reading;",
      sum(1 for r in rows if r["type"] is None), "type unsettled;", sum(1 for r in rows if r["urgency"] is None), "urgency unsettled;",
      sum(1 for r in rows if r["category"] is None or r["category"].count("/") < 2), "category not settled to level 3")
blocks = {}
for f in sorted((L / "batches").glob("b*.txt")):
    for block in f.read_text(encoding="utf-8").split("### ")[1:]:
        blocks[block.split("\n", 1)[0].strip()] = "### " + block
(L / "batches" / "disputed.txt").write_text("".join(blocks[k] for k in disputed), encoding="utf-8")
