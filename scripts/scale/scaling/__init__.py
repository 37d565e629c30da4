"""One model of CPU step scaling (CloudWatch alarm -> Application Auto Scaling step policy -> ECS service),
shared by scale-sim (what-if), scale-test (real stack) and the offline rehearsal. Pure standard library."""
