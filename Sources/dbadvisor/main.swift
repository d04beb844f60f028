DBAdvisor.main()
