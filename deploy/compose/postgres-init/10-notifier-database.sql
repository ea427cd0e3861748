-- Run once by the postgres image on an empty data directory (deploy/compose/standby.yml):
-- the coordinator and the notifier each migrate their own database with Flyway.
CREATE DATABASE baton_notifier OWNER baton;
