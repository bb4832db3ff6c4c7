package io.chatapp.hosting;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A resource that runs as a child process of the AppHost (Kafka, services, jobs):
 * starting it under the resource's lock (so a stop that comes first wins), recording its
 * PID for the next AppHost's clean-up, stopping its whole process tree, and marking it
 * exited.
 */
abstract class ChildProcessResource extends Resource {

	private static final Duration STOP_GRACE = Duration.ofSeconds(20);

	private Process process;

	private boolean stopRequested;

	private volatile Launch launch;

	protected ChildProcessResource(String name) {
		super(name);
	}

	@Override
	synchronized List<Long> pids() {
		return (this.process != null && this.process.isAlive()) ? List.of(this.process.pid()) : List.of();
	}

	@Override
	synchronized void allowStart() {
		this.stopRequested = false;
	}

	/**
	 * Starts the process unless a stop came first, and records its PID.
	 * @param command the command line
	 * @param environment extra environment variables
	 * @param directory the working directory
	 * @return the started child
	 */
	protected Processes.Child spawn(List<String> command, Map<String, String> environment, Path directory) {
		Processes.Child child;
		synchronized (this) {
			if (this.stopRequested) {
				throw new ResourceFailure(name() + " was stopped before it started", List.of());
			}
			setExitCode(null);
			child = Processes.start(command, environment, directory, log());
			this.launch = new Launch(command, environment, directory);
			this.process = child.process();
			context().pidFile().add(name(), this.process.toHandle());
		}
		child.process().onExit().thenAccept(this::exited);
		return child;
	}

	@Override
	Launch lastLaunch() {
		return this.launch;
	}

	protected synchronized boolean stopRequested() {
		return this.stopRequested;
	}

	@Override
	void shutdown() {
		Process running;
		synchronized (this) {
			this.stopRequested = true;
			beforeStop();
			running = this.process;
		}
		if (running != null && running.isAlive()) {
			setState(ResourceState.STOPPING, "pid " + running.pid());
			Processes.stopTree(running.toHandle(), STOP_GRACE);
			exited(running);
		}
	}

	/** Called under the lock when a stop begins, before the process is signalled. */
	protected void beforeStop() {
	}

	/**
	 * How an exit is described; called under the lock.
	 * @param code the exit code
	 * @param stopped whether the AppHost stopped it
	 * @return the state detail
	 */
	protected String exitDetail(int code, boolean stopped) {
		return stopped ? "stopped" : "exit code " + code;
	}

	private synchronized void exited(Process exited) {
		if (exited != this.process) {
			return;
		}
		int code = exitCode(exited);
		context().pidFile().remove(exited.toHandle());
		beforeStop();
		setExitCode(code);
		setState(ResourceState.EXITED, exitDetail(code, this.stopRequested));
	}

	static int exitCode(Process process) {
		try {
			return process.waitFor();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return -1;
		}
	}

}
