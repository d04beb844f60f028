-- pg_checkpoints: how many checkpoints the server started, by checkpoint_timeout or on request.
-- Reads: pg_stat_bgwriter.
-- Versions: PostgreSQL 12 to 16 (17 and later: pg_checkpoints_v17.sql). Privilege: none beyond CONNECT.
-- Columns: checkpoints_timed, checkpoints_requested (bigint: requested by WAL volume, CHECKPOINT
--          commands, base backups and CREATE DATABASE alike), write_time_ms, sync_time_ms (double
--          precision), buffers_written (bigint), stats_reset_epoch (seconds since 1970-01-01 UTC, NULL
--          when never reset).
SELECT b.checkpoints_timed,
       b.checkpoints_req AS checkpoints_requested,
       b.checkpoint_write_time AS write_time_ms,
       b.checkpoint_sync_time AS sync_time_ms,
       b.buffers_checkpoint AS buffers_written,
       EXTRACT(EPOCH FROM b.stats_reset)::double precision AS stats_reset_epoch
FROM pg_catalog.pg_stat_bgwriter AS b
