// The rate-limit suite (Vigil per-task additions) against the test Redis Cluster (cluster project).
import "../extras/rate-limit.int.test.js";
