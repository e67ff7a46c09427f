// Go's Inspector mutation fixtures replayed against the test Redis Cluster (cluster project).
import "../compat/inspector-transitions.compat.test.js";
