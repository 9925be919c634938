package io.etcron.job;

/** No job has the given name. */
public final class JobNotFoundException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public JobNotFoundException(String name) {
    super("job " + name + " does not exist");
  }
}
