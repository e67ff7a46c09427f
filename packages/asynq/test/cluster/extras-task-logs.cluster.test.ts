// The task-logs suite (Vigil per-task additions) against the test Redis Cluster (cluster project).
import "../extras/task-logs.int.test.js";
