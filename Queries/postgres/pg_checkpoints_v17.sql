-- pg_checkpoints_v17: how many checkpoints the server started, by checkpoint_timeout or on request.
-- Reads: pg_stat_checkpointer (split from pg_stat_bgwriter in PostgreSQL 17).
-- Versions: PostgreSQL 17 and later (12 to 16: pg_checkpoints.sql). Privilege: none beyond CONNECT.
-- Columns: checkpoints_timed, checkpoints_requested (bigint: requested by WAL volume, CHECKPOINT
--          commands, base backups and CREATE DATABASE alike), write_time_ms, sync_time_ms (double
--          precision), buffers_written (bigint), stats_reset_epoch (seconds since 1970-01-01 UTC, NULL
--          when never reset).
SELECT c.num_timed AS checkpoints_timed,
       c.num_requested AS checkpoints_requested,
       c.write_time AS write_time_ms,
       c.sync_time AS sync_time_ms,
       c.buffers_written,
       EXTRACT(EPOCH FROM c.stats_reset)::double precision AS stats_reset_epoch
FROM pg_catalog.pg_stat_checkpointer AS c
