"""Infrastructure every package leans on: the database pools and named SQL (`db`, `sql`), the migrations' runner
(`migrate`), the embedded PostgreSQL (`embedded`), request middleware, the demo clock, the versioned in-process
caches, and the shared vocabulary of errors and field checks (`errors`, `validation`)."""
