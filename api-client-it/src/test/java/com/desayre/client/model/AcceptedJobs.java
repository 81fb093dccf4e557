package com.desayre.client.model;

import java.util.ArrayList;

/**
 * The document's {@code AcceptedJobs}: what a submission with {@code n} > 1 answers, its jobs in order. The
 * {@code native} generator cannot name the getter of a list inside a {@code oneOf} (it writes
 * {@code getList<Accepted>()}, which does not compile), so the pom maps the schema to this class
 * ({@code schemaMappings}) and {@code Submission} gets {@code getAcceptedJobs()}.
 */
public class AcceptedJobs extends ArrayList<Accepted> {
}
