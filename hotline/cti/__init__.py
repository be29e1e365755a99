"""The PBX link: per-PBX tokens, call events in the shape of Zammad's generic CTI API, the call log and the live
stream that pops a call on the agent's console."""
