// The Inspector mutation suite against the test Redis Cluster (cluster project).
import "../inspector-mutations.int.test.js";
