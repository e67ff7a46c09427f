// The run-history suite (Vigil per-task additions) against the test Redis Cluster (cluster project).
import "../extras/run-history.int.test.js";
