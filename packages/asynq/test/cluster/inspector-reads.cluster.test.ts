// The Inspector read suite against the test Redis Cluster (cluster project).
import "../inspector-reads.int.test.js";
