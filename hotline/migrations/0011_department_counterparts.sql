-- A district department that does a municipal department's work in its district (鹿城区住建局 for 市住建局 in
-- 鹿城区) says so: the router places district-level duties from these rows, with the departments themselves,
-- instead of from a map kept beside them in a file.
ALTER TABLE departments
    ADD COLUMN counterpart_of text REFERENCES departments(code),
    ADD CONSTRAINT departments_counterpart_has_district CHECK (counterpart_of IS NULL OR district_code IS NOT NULL);
-- one active counterpart per municipal department and district, so the router never has to choose
CREATE UNIQUE INDEX departments_one_counterpart_idx ON departments (counterpart_of, district_code)
    WHERE active AND counterpart_of IS NOT NULL;
