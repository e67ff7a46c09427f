// The Server no-loss suite against the test Redis Cluster (cluster project).
import "../server/no-loss.int.test.js";
