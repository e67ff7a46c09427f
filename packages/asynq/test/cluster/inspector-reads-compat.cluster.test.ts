// Go's Inspector read fixtures against the test Redis Cluster (cluster project).
import "../compat/inspector-reads.compat.test.js";
