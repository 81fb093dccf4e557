package com.desayre.contracts;

/**
 * Which provider and model a job goes to, and in which lane.
 *
 * @param provider e.g. {@code modelslabs} or {@code xai}
 * @param model    the provider's model id, e.g. {@code nano-banana-pro}
 */
public record Route(String provider, String model, Priority lane) {
}
