// The Inspector mutation refusal suite against the test Redis Cluster (cluster project).
import "../inspector-mutation-errors.int.test.js";
