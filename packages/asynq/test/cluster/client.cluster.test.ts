// The Client suite against the test Redis Cluster (cluster project).
import "../client/client.int.test.js";
