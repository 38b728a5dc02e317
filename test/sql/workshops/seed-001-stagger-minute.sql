-- Seed 001 (sessionization-app, from the screenshots of its SQL editor). Line 17 is cut off in
-- the screenshot after "as"; it is completed as in the blog's 30-second version: VARCHAR(20))) as session_id,
CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM"
(
    session_id VARCHAR(60),
    user_id INTEGER,
    device_id VARCHAR(10),
    timeagg timestamp,
    events INTEGER,
    beginnavigation VARCHAR(32),
    endnavigation VARCHAR(32),
    beginsession VARCHAR(25),
    endsession VARCHAR(25),
    duration_sec INTEGER
);

CREATE OR REPLACE PUMP "WINDOW_PUMP_MIN" AS INSERT INTO "DESTINATION_SQL_STREAM"
SELECT STREAM
UPPER(cast("user_id" as VARCHAR(3))|| '_' ||SUBSTRING("device_id",1,3)||cast(UNIX_TIMESTAMP(FLOOR("client_timestamp" TO MINUTE))/1000 as VARCHAR(20))) as session_id,
"user_id" , "device_id",
FLOOR("client_timestamp" TO MINUTE),
COUNT("client_event") events,
first_value("client_event") as beginnavigation,
last_value("client_event") as endnavigation,
SUBSTRING(cast(min("client_timestamp") AS VARCHAR(25)),15,19) as beginsession,
SUBSTRING(cast(max("client_timestamp") AS VARCHAR(25)),15,19) as endsession,
TSDIFF(max("client_timestamp"),min("client_timestamp"))/1000 as duration_sec
FROM "SOURCE_SQL_STREAM_001"
WINDOWED BY STAGGER (
    PARTITION BY "user_id" , "device_id", FLOOR("client_timestamp" TO MINUTE) RANGE INTERVAL '1' MINUTE);
