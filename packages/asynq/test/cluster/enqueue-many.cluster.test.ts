// The Client enqueueMany suite against the test Redis Cluster (cluster project).
import "../client/enqueue-many.int.test.js";
