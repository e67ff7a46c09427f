// The checkpoints suite (Vigil per-task additions) against the test Redis Cluster (cluster project).
import "../extras/checkpoints.int.test.js";
