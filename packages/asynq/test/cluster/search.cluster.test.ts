// The search suite (filters, details, validation) against the test Redis Cluster (cluster project).
import "../search.int.test.js";
