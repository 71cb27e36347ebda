package io.triagebot.schedule;

import io.triagebot.store.DatabaseSettings;
import io.triagebot.store.StoreException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;

/**
 * Quartz on a JDBC job store in the bot's own database, so scheduled work (outbox retries, approval
 * expiry, follow-up verification) survives restarts; clustered on PostgreSQL, so with several replicas
 * each job runs once. Jobs get their collaborators from suppliers registered here, not from statics.
 */
public final class Scheduling implements AutoCloseable {

    private final Scheduler scheduler;

    private Scheduling(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /**
     * @param instanceId unique per replica (host name and pid)
     * @param jobs how to make each job class
     */
    public static Scheduling start(DatabaseSettings db, String instanceId,
            Map<Class<? extends Job>, Supplier<? extends Job>> jobs) throws StoreException {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", "triagebot");
        p.setProperty("org.quartz.scheduler.instanceId", instanceId);
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.threadPool.threadCount", "4");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", db.isPostgres()
                ? "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate" : "org.quartz.impl.jdbcjobstore.StdJDBCDelegate");
        p.setProperty("org.quartz.jobStore.dataSource", "main");
        p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
        p.setProperty("org.quartz.jobStore.useProperties", "true");
        p.setProperty("org.quartz.jobStore.misfireThreshold", "10000");
        p.setProperty("org.quartz.jobStore.isClustered", Boolean.toString(db.isPostgres()));
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", "5000");
        p.setProperty("org.quartz.dataSource.main.provider", "hikaricp");
        p.setProperty("org.quartz.dataSource.main.driver", db.isPostgres() ? "org.postgresql.Driver" : "org.h2.Driver");
        p.setProperty("org.quartz.dataSource.main.URL", db.url());
        p.setProperty("org.quartz.dataSource.main.user", db.user());
        p.setProperty("org.quartz.dataSource.main.password", db.password() == null ? "" : db.password());
        p.setProperty("org.quartz.dataSource.main.maxConnections", "5");
        try {
            Scheduler scheduler = new StdSchedulerFactory(p).getScheduler();
            scheduler.setJobFactory((bundle, s) -> {
                Supplier<? extends Job> supplier = jobs.get(bundle.getJobDetail().getJobClass());
                if (supplier == null) {
                    throw new SchedulerException("no factory for " + bundle.getJobDetail().getJobClass());
                }
                return supplier.get();
            });
            scheduler.start();
            return new Scheduling(scheduler);
        } catch (SchedulerException e) {
            throw new StoreException("cannot start the scheduler on " + db.describe() + ": " + e.getMessage(), e);
        }
    }

    /** Runs {@code job} every {@code interval}, replacing an earlier schedule of the same name. */
    public void repeat(String name, Class<? extends Job> job, Duration interval) throws SchedulerException {
        JobDetail detail = JobBuilder.newJob(job).withIdentity(name, "triagebot").storeDurably().build();
        Trigger trigger = TriggerBuilder.newTrigger().withIdentity(name, "triagebot").forJob(detail)
                .withSchedule(SimpleScheduleBuilder.simpleSchedule()
                        .withIntervalInMilliseconds(interval.toMillis()).repeatForever()
                        .withMisfireHandlingInstructionNextWithRemainingCount())
                .startNow().build();
        scheduler.scheduleJob(detail, java.util.Set.of(trigger), true);
    }

    public boolean exists(String name) throws SchedulerException {
        return scheduler.checkExists(JobKey.jobKey(name, "triagebot"));
    }

    /** Started, not shut down, and its job store answers. */
    public boolean healthy() {
        try {
            // checkExists reads the job store: a dead database makes the scheduler unhealthy.
            scheduler.checkExists(JobKey.jobKey("health-probe", "triagebot"));
            return scheduler.isStarted() && !scheduler.isShutdown();
        } catch (SchedulerException e) {
            return false;
        }
    }

    public Scheduler quartz() {
        return scheduler;
    }

    /** Waits for running jobs to finish, then stops. */
    @Override
    public void close() {
        try {
            scheduler.shutdown(true);
        } catch (SchedulerException e) {
            // Shutting down anyway.
        }
    }
}
