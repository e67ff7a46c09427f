// The Server features suite against the test Redis Cluster (cluster project).
import "../server/features.int.test.js";
