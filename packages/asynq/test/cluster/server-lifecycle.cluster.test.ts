// The Server lifecycle suite against the test Redis Cluster (cluster project).
import "../server/lifecycle.int.test.js";
