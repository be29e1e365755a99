"""Time limits: the working calendar (law-fixed holidays, 调休 workdays and the centre's own days), and the SLA
clocks that turn a ticket's type and urgency into sign and reply deadlines in working time."""
