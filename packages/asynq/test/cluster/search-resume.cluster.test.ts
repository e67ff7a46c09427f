// The search resumption suite against the test Redis Cluster (cluster project).
import "../search-resume.int.test.js";
