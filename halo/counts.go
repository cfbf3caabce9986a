package halo

// CountAgents summarises agents as the check and sync reports do.
func CountAgents(agents []Agent) AgentCounts { return countAgents(agents) }
