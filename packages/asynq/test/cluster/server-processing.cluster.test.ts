// The Server processing suite against the test Redis Cluster (cluster project).
import "../server/processing.int.test.js";
