"""Demo city seed data (YAML) and the functions that load it. The libraries (routing, timelimits) read no file of
ours by path: the platform hands them these."""
from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parent
DUTY_LIST = SEEDS_DIR / "duty_list.yaml"  # 权责清单 and keyword rules: routing.router.load_rules
SLA_POLICIES = SEEDS_DIR / "sla_policies.yaml"  # the time limits: timelimits.sla.SlaClock.from_file
