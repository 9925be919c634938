package io.etcron.execute;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What to run.
 *
 * @param command run by {@code /bin/sh -c}
 * @param env variables added to the worker's environment (the job's env plus {@code ETCRON_*})
 * @param workingDir the directory to run in, else the worker's
 * @param output receives output chunks as they come, for live output
 */
public record ExecutionRequest(
    String command, Map<String, String> env, Optional<Path> workingDir, OutputListener output) {}
