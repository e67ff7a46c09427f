// The Inspector bulk mutation suite against the test Redis Cluster (cluster project).
import "../inspector-bulk-mutations.int.test.js";
