"""The Star Leader Program (聚星领导者计划): monthly cohorts from application to graduation."""
