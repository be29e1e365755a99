"""Pure text work every package may import and that imports nothing of the product: normalising what citizens
write (`normalise`), finding and masking personal data (`pii`), reading an address against the city's gazetteer
(`address`)."""
