package com.desayre.contracts;

/** What a job makes. */
public enum JobKind {
    /** Text to image (ModelsLabs Nano Banana Pro). */
    IMAGE,
    /** Image edit (ModelsLabs Grok Imagine Edit). */
    EDIT,
    /** Image or text to video (xAI Grok Imagine Video). */
    VIDEO
}
