// Go's Server transition fixtures replayed against the test Redis Cluster (cluster project).
import "../compat/server-transitions.compat.test.js";
