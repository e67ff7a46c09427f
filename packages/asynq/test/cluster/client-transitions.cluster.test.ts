// Go's Client transition fixtures replayed against the test Redis Cluster (cluster project).
import "../compat/client-transitions.compat.test.js";
